from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faq.models import ClientHourCount, Vote, forget_recent_content_version
from faq.services import forget_past_hours

pytestmark = pytest.mark.django_db


def stored_votes(question):
    return {(v.day, v.helpful): v.count for v in Vote.objects.filter(question=question)}


def test_a_vote_is_a_counter_per_question_day_and_answer(vote, make_question):
    question = make_question()
    vote(question, "yes")
    vote(question, "yes")
    vote(question, "no")
    today = timezone.localdate()
    assert stored_votes(question) == {(today, True): 2, (today, False): 1}


def test_a_vote_sets_no_cookie_and_stores_no_address(client, vote, make_question):
    question = make_question()
    response = client.post(
        f"/faq/{question.slug}/vote/",
        {"helpful": "no"},
        headers={"Origin": "http://testserver"},
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.cookies == {}
    assert not client.cookies
    with connection.cursor() as cursor:
        for table in ("faq_vote", "faq_clienthourcount"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert "203.0.113" not in repr(cursor.fetchall())
    vote_columns = {field.name for field in Vote._meta.get_fields()}
    assert vote_columns == {"id", "question", "day", "helpful", "count"}


def test_yes_goes_back_to_the_answer_with_a_thank_you_that_takes_focus(client, vote, make_question):
    question = make_question()
    response = vote(question, "yes")
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/faq/{question.slug}/?voted={question.slug}&answer=yes#vote-thanks"
    )
    page = client.get(response["Location"]).content.decode()
    assert 'id="vote-thanks" tabindex="-1"' in page
    assert "glad this helped" in page
    assert "Did this answer your question?" not in page


def test_a_vote_from_the_list_goes_back_to_the_list_with_the_answer_open(
    client, vote, make_question
):
    question = make_question()
    response = vote(question, "no", **{"from": "list"})
    assert response["Location"] == f"/faq/?voted={question.slug}&answer=no#vote-thanks"
    page = client.get(response["Location"]).content.decode()
    assert f'id="{question.slug}" open' in page
    assert "What were you hoping to find?" in page
    # The box's own pointer to the phone, not only the header's.
    assert 'call us at <a href="tel:+19522603550">(952) 260-3550</a> or <a href="/consult' in page


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
)
def test_votes_from_other_sites_are_refused_with_a_clear_page(vote, make_question, headers):
    question = make_question()
    response = vote(question, "yes", headers=headers)
    assert response.status_code == 403
    assert "could not be counted" in response.content.decode()
    assert not Vote.objects.exists()


def test_sec_fetch_site_same_origin_is_enough(vote, make_question):
    question = make_question()
    assert vote(question, "yes", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 302
    assert Vote.objects.get().count == 1


def test_a_vote_for_an_unpublished_question_is_not_found(vote, make_question):
    question = make_question(is_published=False)
    assert vote(question, "yes").status_code == 404


def test_the_hourly_limit_stops_counting_but_still_thanks(vote, make_question, settings):
    settings.FAQ_FEEDBACK_PER_CLIENT_PER_HOUR = 3
    question = make_question()
    responses = [vote(question, "yes") for _ in range(5)]
    assert {response.status_code for response in responses} == {302}
    assert Vote.objects.get().count == 3


def test_the_limit_is_per_client(client, make_question, settings):
    settings.FAQ_FEEDBACK_PER_CLIENT_PER_HOUR = 1
    question = make_question()
    for address in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
        client.post(
            f"/faq/{question.slug}/vote/",
            {"helpful": "yes"},
            headers={"Origin": "http://testserver"},
            REMOTE_ADDR=address,
        )
    assert Vote.objects.get().count == 2


def test_hourly_counters_are_deleted_once_the_hour_is_over(vote, make_question):
    question = make_question()
    vote(question, "yes")
    counter = ClientHourCount.objects.get()
    assert counter.count == 1 and len(counter.key) == 64
    assert forget_past_hours(now=counter.hour + timedelta(minutes=59)) == 0
    assert forget_past_hours(now=counter.hour + timedelta(hours=1)) == 1
    assert not ClientHourCount.objects.exists()


def test_a_vote_in_a_new_hour_deletes_the_last_hours_counters(vote, make_question):
    question = make_question()
    last_hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    ClientHourCount.objects.create(key="k" * 64, hour=last_hour, count=7)
    vote(question, "yes")
    assert list(ClientHourCount.objects.values_list("hour", flat=True)) == [
        last_hour + timedelta(hours=1)
    ]


def test_the_honeypot_counts_nothing_but_looks_the_same(vote, make_question):
    question = make_question()
    response = vote(question, "yes", leave_this_empty="http://spam.example")
    assert response.status_code == 302 and "answer=yes" in response["Location"]
    assert not Vote.objects.exists() and not ClientHourCount.objects.exists()


def test_a_vote_with_no_answer_goes_back_to_the_question(vote, make_question):
    question = make_question()
    response = vote(question, "maybe")
    assert response["Location"] == question.get_absolute_url()
    assert not Vote.objects.exists()


def test_faq_pages_are_still_served_from_the_cache_after_votes(
    client, vote, make_question, django_assert_max_num_queries
):
    """A vote changes no content: the shared pages stay cached, with no cookie and no token."""
    question = make_question()
    for path in ("/faq/", question.get_absolute_url()):
        client.get(path)
    vote(question, "yes")
    vote(question, "no")
    forget_recent_content_version()
    for path in ("/faq/", question.get_absolute_url()):
        client.get(path)
        with django_assert_max_num_queries(1):
            response = client.get(path)
        assert response.cookies == {}
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert 'action="/faq/' in response.content.decode()


def test_the_question_page_costs_the_same_queries_with_many_votes(client, vote, make_question):
    """Votes are never read by the public pages."""
    question = make_question()
    with CaptureQueriesContext(connection) as before:
        client.get(question.get_absolute_url() + "?voted=x&answer=yes")
    for _ in range(5):
        vote(question, "yes")
    with CaptureQueriesContext(connection) as after:
        client.get(question.get_absolute_url() + "?voted=x&answer=yes")
    assert len(after) == len(before)


@pytest.mark.parametrize("action", ["vote", "feedback"])
def test_opening_the_vote_address_by_hand_leads_to_the_answer(client, make_question, action):
    question = make_question()
    response = client.get(f"/faq/{question.slug}/{action}/")
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()
    assert not Vote.objects.exists()
