import re
from datetime import timedelta

import pytest
from django.utils import timezone

from faq.models import Feedback, MissedSearch, Synonym, Vote

pytestmark = pytest.mark.django_db

HELPFULNESS = "/admin/faq/questionhelpfulness/"


@pytest.fixture
def editor_client(staff_client_for, make_staff_user):
    return staff_client_for(make_staff_user("editor", groups=["Content editors"]))


def votes(question, yes, no, days_ago=0):
    day = timezone.localdate() - timedelta(days=days_ago)
    Vote.objects.create(question=question, day=day, helpful=True, count=yes)
    Vote.objects.create(question=question, day=day, helpful=False, count=no)


def rows(page):
    return re.findall(r'<a href="/admin/faq/question/\d+/change/">([^<]+)</a>', page)


def test_least_helpful_answers_come_first_over_the_last_90_days(editor_client, make_question):
    liked = make_question(question="Liked?")
    disliked = make_question(question="Disliked?")
    unvoted = make_question(question="Unvoted?")
    votes(liked, yes=9, no=1)
    votes(disliked, yes=1, no=3)
    votes(liked, yes=0, no=50, days_ago=91)  # too old to count
    response = editor_client.get(HELPFULNESS)
    page = response.content.decode()
    assert response.status_code == 200
    order = rows(page)
    assert order[:2] == ["Disliked?", "Liked?"]
    assert "Unvoted?" in order[2:]
    assert "25%" in page and "90%" in page and "no votes yet" in page
    assert unvoted.question in page


def test_helpfulness_sorts_by_votes_when_asked(editor_client, make_question):
    few = make_question(question="Few?")
    many = make_question(question="Many?")
    votes(few, yes=1, no=0)
    votes(many, yes=5, no=5)
    page = editor_client.get(HELPFULNESS + "?o=2").content.decode()  # votes column, ascending
    assert [row for row in rows(page) if row in ("Few?", "Many?")] == ["Few?", "Many?"]
    page = editor_client.get(HELPFULNESS + "?o=-2").content.decode()
    assert rows(page)[:2] == ["Many?", "Few?"]


def test_notes_are_listed_newest_first_with_a_draft_link(editor_client, make_question):
    question = make_question()
    today = timezone.localdate()
    Feedback.objects.create(question=question, text="Older note", day=today - timedelta(days=2))
    Feedback.objects.create(question=question, text="Newer note", day=today)
    page = editor_client.get("/admin/faq/feedback/").content.decode()
    assert page.index("Newer note") < page.index("Older note")
    assert "/admin/faq/question/add/?question_en=Newer+note&amp;slug=newer-note&amp;draft=1" in page


def test_editors_cannot_add_or_change_notes_votes_or_searches(editor_client, make_question):
    note = Feedback.objects.create(question=make_question(), text="n", day=timezone.localdate())
    assert editor_client.get("/admin/faq/feedback/add/").status_code == 403
    page = editor_client.get(f"/admin/faq/feedback/{note.pk}/change/").content.decode()
    assert 'name="text"' not in page
    assert editor_client.get("/admin/faq/missedsearch/").status_code == 200


def test_staff_without_the_permission_see_no_notes_or_searches(staff_client_for, make_staff_user):
    client = staff_client_for(make_staff_user("intake", groups=["Intake staff"]))
    MissedSearch.objects.create(text="secret", day=timezone.localdate(), count=1)
    assert client.get("/admin/faq/feedback/").status_code == 403
    assert client.get("/admin/faq/missedsearch/").status_code == 403


def test_editors_manage_synonyms(editor_client):
    response = editor_client.post(
        "/admin/faq/synonym/add/",
        {"language": "en", "term": "coverage", "replacement": "insurance"},
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="coverage", replacement="insurance").exists()
    duplicate = editor_client.post(
        "/admin/faq/synonym/add/",
        {"language": "en", "term": "Coverage", "replacement": "plans"},
    )
    assert duplicate.status_code == 200
    assert Synonym.objects.filter(term__iexact="coverage").count() == 1


def test_the_starter_synonyms_are_there():
    pairs = set(Synonym.objects.values_list("term", "replacement"))
    assert {("spravato", "esketamine"), ("price", "cost")} <= pairs
    assert ("kap", "ketamine-assisted psychotherapy") in pairs
