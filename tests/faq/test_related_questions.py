import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import Category, Question

pytestmark = pytest.mark.django_db


def related_on_page(client, question):
    page = client.get(question.get_absolute_url()).content.decode()
    if "Related questions" not in page:
        return []
    section = page.split('id="related-heading"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="/faq/([^/"]+)/"', section)


@pytest.fixture
def questions(db):
    Question.objects.all().delete()
    first = Category.objects.create(name="Treatment", slug="treatment", position=1)
    other = Category.objects.create(name="Practical", slug="practical", position=2)

    def make(slug, text, category=first, **fields):
        return Question.objects.create(
            category=category, slug=slug, question=text, answer="A.", **fields
        )

    return {
        "subject": make("long", "How long does ketamine treatment take?", position=1),
        "same-unlike": make("hard", "What support will I have?", position=2),
        "same-alike": make("sessions", "How long is each ketamine session?", position=3),
        "other-alike": make("ketamine-cost", "How much does ketamine treatment cost?", other),
        "other-unlike": make("parking", "Where do I park?", other, position=2),
        "hidden": make("draft", "How long does ketamine treatment last?", is_published=False),
    }


def test_same_category_first_then_the_most_alike(client, questions):
    assert related_on_page(client, questions["subject"]) == ["sessions", "hard", "ketamine-cost"]


def test_unpublished_questions_are_never_related(client, questions):
    assert "draft" not in related_on_page(client, questions["subject"])


def test_a_question_alone_lists_none(client, questions):
    Question.objects.exclude(pk=questions["subject"].pk).delete()
    assert related_on_page(client, questions["subject"]) == []


def test_related_questions_cost_one_query_however_many_questions(client, questions):
    subject = questions["subject"]
    with CaptureQueriesContext(connection) as few:
        client.get(subject.get_absolute_url() + "?voted=x&answer=yes")
    for number in range(30):
        Question.objects.create(
            category=subject.category,
            slug=f"more-{number}",
            question=f"More {number}?",
            answer="A.",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(subject.get_absolute_url() + "?voted=x&answer=yes")
    assert len(many) == len(few)
