"""What the patient's form page costs in queries, and what speeding it up must never share.

Query counts are pinned: a change that adds one shows up here (the time itself is measured by
`make bench`, not by tests).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from consultations.slots import SHOWN_FREE_TIMES_SECONDS, recent_slot_book

pytestmark = pytest.mark.django_db

URL = "/consultation/"


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def nonces(response):
    """Every CSP nonce the page carries: in its header and in nonce attributes."""
    found = set(re.findall(r"'nonce-([^']+)'", response.get("Content-Security-Policy", "")))
    return found | set(re.findall(r'\bnonce="([^"]+)"', response.content.decode()))


def test_two_visitors_get_their_own_csrf_token_and_nonce():
    """However the form is rendered, each visitor's page carries its own CSRF token (and
    cookie) and its own CSP nonce, and is never stored by a browser or proxy."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one, page_two = first.get(URL), second.get(URL)
    html_one, html_two = page_one.content.decode(), page_two.content.decode()

    assert csrf_token(html_one) != csrf_token(html_two)
    cookie = settings.CSRF_COOKIE_NAME
    assert page_one.cookies[cookie].value != page_two.cookies[cookie].value
    assert not nonces(page_one) & nonces(page_two)
    for response in (page_one, page_two):
        cache_control = response["Cache-Control"]
        for directive in ("no-cache", "no-store", "must-revalidate", "private"):
            assert directive in cache_control
    # The same visitor again: the same secret (the token is masked afresh), a new nonce.
    again = first.get(URL)
    assert csrf_token(again.content.decode()) != csrf_token(html_one)
    assert not nonces(again) & nonces(page_one)


def test_each_visitor_can_post_with_their_own_token_only(consultation_data):
    """A token copied from another visitor's page is refused: the pages are not shared."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token_one = csrf_token(first.get(URL).content.decode())
    second.get(URL)
    refused = second.post(URL, {**consultation_data, "csrfmiddlewaretoken": token_one})
    accepted = first.post(URL, {**consultation_data, "csrfmiddlewaretoken": token_one})
    assert refused.status_code == 403
    assert accepted.status_code == 302


# Showing the form reads the free call times: call capacities, blocked times and bookings (the
# closure days are kept per process). Nothing else. They are then kept for a few seconds
# (consultations.slots.SHOWN_FREE_TIMES_SECONDS), so the next pages read nothing.
FREE_TIMES_QUERIES = 3


def test_form_page_reads_only_the_free_call_times(client, django_assert_num_queries):
    client.get(URL)
    recent_slot_book.forget()
    with django_assert_num_queries(FREE_TIMES_QUERIES):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_invalid_submission_reads_only_the_free_call_times(client, django_assert_num_queries):
    client.get(URL)
    recent_slot_book.forget()
    with django_assert_num_queries(FREE_TIMES_QUERIES):
        assert client.post(URL, {"name": ""}).status_code == 200
    with django_assert_num_queries(0):
        assert client.post(URL, {"name": "Jo"}).status_code == 200


def test_free_times_are_read_again_once_they_are_older_than_their_bound(
    client, django_assert_num_queries
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(URL)
        clock.shift(timedelta(seconds=SHOWN_FREE_TIMES_SECONDS - 1))
        with django_assert_num_queries(0):
            client.get(URL)
        clock.shift(timedelta(seconds=1))
        with django_assert_num_queries(FREE_TIMES_QUERIES):
            client.get(URL)


def test_valid_submission_queries(client, consultation_data, django_assert_num_queries):
    """The transaction (a savepoint inside the test's own), one round trip for the duplicate and
    hourly checks (on PostgreSQL with both advisory locks taken first, in the same round trip;
    SQLite takes its write lock when the transaction begins), the insert. In production the
    notification task is queued after commit, one insert more (`make bench` counts 5 with BEGIN
    and COMMIT). The closure days (for the promised date) are read once and then kept for a
    while, as the first post shows."""
    expected = 4
    client.post(URL, {**consultation_data, "name": "First Visitor"})
    with django_assert_num_queries(expected):
        response = client.post(URL, consultation_data)
    assert response.status_code == 302
