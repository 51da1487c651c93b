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


# --- consultation requests and staff users ---


@pytest.fixture
def fast_password_hashing(settings):
    """Hash test passwords cheaply: the real hasher takes a noticeable fraction of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_consultation(db):
    """Create a consultation request; keyword arguments override the defaults."""
    from consultations.models import ConsultationRequest

    def make(**fields):
        fields.setdefault("name", "Zoë O'Brien-Søren")
        fields.setdefault("phone", "+16515550123")
        fields.setdefault("email", "zoe@example.org")
        fields.setdefault("best_times", ["morning", "evening"])
        fields.setdefault("voicemail_ok", False)
        fields.setdefault("note", "Please call after my shift.")
        return ConsultationRequest.objects.create(**fields)

    return make


@pytest.fixture
def make_staff_user(db):
    """Create an active staff user, optionally in the named groups or with extra permissions."""
    from django.contrib.auth.models import Group, Permission, User

    def make(username, groups=(), permissions=()):
        user = User.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        for codename in permissions:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


@pytest.fixture
def intake_user(make_staff_user):
    return make_staff_user("intake", groups=["Intake staff"])


@pytest.fixture
def intake_client(client, intake_user):
    client.force_login(intake_user)
    return client
