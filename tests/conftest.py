import pytest

from faq.models import Category, Question


@pytest.fixture
def category(db):
    return Category.objects.create(name="Getting started", slug="getting-started", position=1)


@pytest.fixture
def make_question(category):
    """Create a question; keyword arguments override the defaults."""
    counter = iter(range(1, 100_000))

    def make(**fields):
        number = next(counter)
        fields.setdefault("category", category)
        fields.setdefault("question", f"Test question number {number}?")
        fields.setdefault("slug", f"test-question-{number}")
        fields.setdefault("answer", f"Answer **{number}**.")
        fields.setdefault("position", number)
        return Question.objects.create(**fields)

    return make


@pytest.fixture
def consultation_data():
    """A complete, valid consultation form submission, as a browser posts it."""
    return {
        "name": "Jordan Rivera",
        "phone": "(651) 555-0123",
        "email": "jordan@example.com",
        "best_times": ["morning", "evening"],
        "voicemail_ok": "no",
        "note": "Please ask for Jordan.",
        "heard_about": "clinician",
        "consent": "on",
    }
