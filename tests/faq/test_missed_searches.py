import re
from datetime import timedelta

import pytest
from django.utils import timezone

from faq.models import MissedSearch, Question
from faq.services import scrub_search

pytestmark = pytest.mark.django_db


def counts():
    return dict(MissedSearch.objects.values_list("text", "count"))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Parking NEAR the Clinic  ", "parking near the clinic"),
        ("call me at (651) 555-0142 please", "call me at please"),
        ("my number is +1 651.555.0142", "my number is"),
        ("write to jane.doe@example.org about dosing", "write to about dosing"),
        ("dose 50mg for 2 weeks", "dose mg for weeks"),
        ("x" * 150, "x" * 100),
        ("12345", ""),
    ],
)
def test_searches_are_scrubbed_before_they_are_kept(typed, kept):
    assert scrub_search(typed) == kept


def test_a_search_that_finds_nothing_is_counted_every_time(client, make_question):
    make_question(question="Where do I park?", answer="Behind the building.")
    for _ in range(3):
        response = client.get("/faq/", {"q": "Ketamine for my 3 kids"})
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
    assert counts() == {"ketamine for my kids": 3}
    assert MissedSearch.objects.get().day == timezone.localdate()


def test_a_search_with_results_is_not_counted_and_stays_cached(
    client, make_question, django_assert_max_num_queries
):
    make_question(question="Where do I park?", answer="Behind the building.")
    client.get("/faq/", {"q": "park"})
    with django_assert_max_num_queries(1):
        response = client.get("/faq/", {"q": "park"})
    assert "Where do I park?" in response.content.decode()
    assert counts() == {}


def test_only_digits_or_contact_details_are_not_kept(client):
    client.get("/faq/", {"q": "6515550142 someone@example.org"})
    assert counts() == {}


def test_editors_see_what_was_not_found_most_frequent_first(admin_client):
    today = timezone.localdate()
    MissedSearch.objects.create(text="parking", day=today, count=2)
    MissedSearch.objects.create(text="parking", day=today - timedelta(days=3), count=2)
    MissedSearch.objects.create(text="insurance", day=today, count=3)
    MissedSearch.objects.create(text="too old", day=today - timedelta(days=31), count=9)
    page = admin_client.get("/admin/faq/missedsearch/").content.decode()
    assert "What patients looked for and didn" in page
    assert page.index(">parking<") < page.index(">insurance<")
    assert "too old" not in page
    assert "/admin/faq/question/add/?question_en=parking&amp;slug=parking&amp;draft=1" in page


def test_draft_a_question_opens_a_prefilled_unsaved_form_with_a_warning(admin_client):
    before = Question.objects.count()
    page = admin_client.get(
        "/admin/faq/question/add/?question_en=parking&slug=parking&draft=1"
    ).content.decode()
    # In the English question field itself, not only in the address field.
    assert re.search(r'<input type="text" name="question_en" value="parking"', page)
    assert "Remove anything personal" in page
    assert Question.objects.count() == before


def test_new_failed_searches_are_capped_per_day_but_known_ones_still_count(client, monkeypatch):
    monkeypatch.setattr("faq.services.MISSED_SEARCH_TEXTS_PER_DAY", 2)
    # Made-up words: nothing matches them, nor is close enough to suggest instead.
    for terms in ("zqxv", "wvbnk", "qqpfj", "zqxv"):
        client.get("/faq/", {"q": terms})
    assert counts() == {"zqxv": 2, "wvbnk": 1}
