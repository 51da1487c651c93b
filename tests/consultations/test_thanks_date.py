"""The thanks page names the day to expect the call, from a signed date in the redirect."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from consultations.models import ClosureDay, ConsultationRequest
from consultations.views import CALL_DATE_SALT

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
URL = reverse("consultations:request")
THANKS = reverse("consultations:thanks")


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    def post(data, at):
        with time_machine.travel(at, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(URL, data)

    return post


def follow(client, response, at):
    with time_machine.travel(at, tick=False):
        return client.get(response["Location"])


def test_monday_morning_request_is_promised_for_tuesday(client, submit, consultation_data):
    at = datetime(2026, 11, 30, 9, 15, tzinfo=CHICAGO)
    response = submit({**consultation_data, "best_times": ["morning"]}, at)

    token = parse_qs(urlsplit(response["Location"]).query)["by"][0]
    # The token holds the date and nothing else.
    assert signing.loads(token, salt=CALL_DATE_SALT) == "2026-12-01"
    page = follow(client, response, at)
    assert "We'll call you by Tuesday, December 1" in page.text
    for typed in ("Jordan", "555-0123", "jordan@example.com", "Please ask for Jordan"):
        assert typed not in page.text and typed not in response["Location"]


def test_evenings_only_on_the_eve_of_thanksgiving(client, submit, consultation_data):
    # Wednesday 25 November, 18:30, evenings only: Thursday is closed, Friday evening it is.
    at = datetime(2026, 11, 25, 18, 30, tzinfo=CHICAGO)
    response = submit({**consultation_data, "best_times": ["evening"]}, at)
    assert "We'll call you by Friday, November 27" in follow(client, response, at).text


def test_a_closure_day_moves_the_promise(client, submit, consultation_data):
    ClosureDay.objects.create(date=datetime(2026, 12, 1).date(), reason="Training")
    at = datetime(2026, 11, 30, 14, 0, tzinfo=CHICAGO)
    response = submit({**consultation_data, "best_times": ["afternoon"]}, at)
    assert "We'll call you by Wednesday, December 2" in follow(client, response, at).text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?by=",
        "?by=2026-12-01",
        f"?by={signing.dumps('2026-12-01', salt='another.purpose')}",
        f"?by={signing.dumps('not a date', salt=CALL_DATE_SALT)}",
        f"?by={signing.dumps(['2026-12-01'], salt=CALL_DATE_SALT)}",
        "?by=" + "x" * 5000,
    ],
)
def test_without_a_valid_token_the_page_keeps_the_general_wording(client, query):
    page = client.get(THANKS + query)
    assert page.status_code == 200
    assert "within one business day" in page.text
    assert "We'll call you by" not in page.text


def test_an_old_link_keeps_the_general_wording(client):
    token = signing.dumps("2026-12-01", salt=CALL_DATE_SALT)
    later = datetime.now(CHICAGO) + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        page = client.get(f"{THANKS}?by={token}")
    assert "within one business day" in page.text


def test_a_duplicate_and_a_bot_get_no_date(client, submit, consultation_data):
    at = datetime(2026, 11, 30, 9, 15, tzinfo=CHICAGO)
    submit(consultation_data, at)
    again = submit(consultation_data, at + timedelta(minutes=1))
    bot = submit({**consultation_data, "leave_this_empty": "spam"}, at)
    assert again["Location"] == THANKS and bot["Location"] == THANKS
    assert ConsultationRequest.objects.count() == 1
