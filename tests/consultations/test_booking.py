"""Booking a call time on the patient's form: the day-at-a-time radio group, values kept, the
thanks page, a slot taken meanwhile, bots and over-limit clients, and overdue with bookings."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from consultations.models import AuditEntry, BlockedTime, CallAttempt, ConsultationRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_settings")]

CHICAGO = ZoneInfo("America/Chicago")


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


# Monday 30 November 2026, 8 am clinic time: bookable from 11:00 today.
NOW = local(2026, 11, 30, 8, 0)
TUESDAY_TEN = local(2026, 12, 1, 10, 0)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_form_offers_todays_free_times_with_no_preference_as_default(client):
    html = client.get("/consultation/").content.decode()
    assert "Pick a time for our call (optional)" in html
    assert "Free times on Monday, November 30 (Central time)" in html
    assert 'name="call_at" value="" id="id_call_at_0" checked' in html
    assert f'value="{local(2026, 11, 30, 11, 0).isoformat()}"' in html
    assert f'value="{local(2026, 11, 30, 10, 45).isoformat()}"' not in html
    assert 'name="show_day" value="2026-12-01"' in html


def test_next_day_keeps_everything_typed_and_shows_no_errors(client, consultation_data):
    response = client.post(
        "/consultation/", {**consultation_data, "name": "", "show_day": "2026-12-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Free times on Tuesday, December 1 (Central time)" in html
    assert "Please check" not in html
    assert 'value="jordan@example.com"' in html
    assert "Please ask for Jordan." in html
    assert 'value="morning" id="id_best_times_0" checked' in html
    assert 'value="evening" id="id_best_times_3" checked' in html
    assert ConsultationRequest.objects.count() == 0


def test_a_time_chosen_on_another_day_stays_chosen(client, consultation_data):
    chosen = TUESDAY_TEN.isoformat()
    html = client.post(
        "/consultation/", {**consultation_data, "call_at": chosen, "show_day": "2026-12-02"}
    ).content.decode()
    assert "Free times on Wednesday, December 2" in html
    assert "Tuesday, December 1 at 10 a.m. Central time" in html
    assert f'value="{chosen}"' in html and "checked" in html


def test_booking_stores_the_time_and_the_thanks_page_states_it(client, consultation_data):
    response = client.post(
        "/consultation/", {**consultation_data, "call_at": TUESDAY_TEN.isoformat()}, follow=True
    )
    stored = ConsultationRequest.objects.get()
    assert stored.call_at == TUESDAY_TEN
    assert stored.call_version == 1
    assert "We'll call you on Tuesday, December 1 at 10 a.m. Central time." in (
        response.content.decode().replace("&#x27;", "'")
    )


def test_a_booked_time_is_no_longer_offered(client, consultation_data, make_consultation):
    make_consultation(call_at=TUESDAY_TEN)
    html = client.post(
        "/consultation/", {**consultation_data, "show_day": "2026-12-01"}
    ).content.decode()
    assert f'value="{TUESDAY_TEN.isoformat()}"' not in html


def test_a_time_taken_meanwhile_gives_the_form_back_with_the_next_free_times(
    client, consultation_data, make_consultation
):
    """Free when the page loaded, full at submit: nothing stored, values kept, next times."""
    make_consultation(call_at=TUESDAY_TEN)
    response = client.post(
        "/consultation/", {**consultation_data, "call_at": TUESDAY_TEN.isoformat()}
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 409
    assert "That time was just taken" in html
    assert "Monday, November 30 at 11 a.m. Central time" in html
    assert 'value="Jordan Rivera"' in html and "Please ask for Jordan." in html
    assert ConsultationRequest.objects.count() == 1


def test_a_blocked_time_cannot_be_booked(client, consultation_data):
    BlockedTime.objects.create(
        starts_at=TUESDAY_TEN, ends_at=TUESDAY_TEN + timedelta(hours=1), reason="Team meeting"
    )
    response = client.post(
        "/consultation/", {**consultation_data, "call_at": TUESDAY_TEN.isoformat()}
    )
    assert response.status_code == 409
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize(
    ("value", "status", "says"),
    [
        ("tomorrow", 200, "Choose one of the times listed."),
        ("2026-12-01T10:00", 200, "Choose one of the times listed."),
        ("2026-11-30T10:00:00-06:00", 409, "That time was just taken"),  # too soon
        ("2026-12-01T10:05:00-06:00", 409, "That time was just taken"),  # not a slot start
    ],
)
def test_a_made_up_or_too_soon_time_is_refused(client, consultation_data, value, status, says):
    response = client.post("/consultation/", {**consultation_data, "call_at": value})
    assert response.status_code == status
    assert says in response.content.decode()
    assert not ConsultationRequest.objects.exists()
    assert 'value="Jordan Rivera"' in response.content.decode()


def test_emails_about_the_call_need_an_email_address(client, consultation_data):
    response = client.post(
        "/consultation/",
        {
            **consultation_data,
            "email": "",
            "call_at": TUESDAY_TEN.isoformat(),
            "confirm_by_email": "on",
        },
    )
    html = response.content.decode()
    message = "To be emailed about your call, enter your email address above, or untick the"
    assert html.count(message) == 2  # in the summary at the top and beside the box
    assert "Please check 1 answer" in html
    assert not ConsultationRequest.objects.exists()


def test_a_bot_books_nothing(client, consultation_data):
    client.post(
        "/consultation/",
        {**consultation_data, "call_at": TUESDAY_TEN.isoformat(), "leave_this_empty": "x"},
    )
    assert not ConsultationRequest.objects.exists()


def test_a_client_over_the_hourly_limit_books_nothing(client, consultation_data, settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 1
    client.post("/consultation/", {**consultation_data, "phone": "(651) 555-0199"})
    response = client.post(
        "/consultation/", {**consultation_data, "call_at": TUESDAY_TEN.isoformat()}
    )
    assert response.status_code == 429
    assert not ConsultationRequest.objects.filter(call_at__isnull=False).exists()


def test_no_preference_stays_the_default_path(client, consultation_data):
    client.post("/consultation/", consultation_data)
    assert ConsultationRequest.objects.get().call_at is None


# --- overdue with bookings ---


def test_a_booked_request_is_not_overdue_before_its_time(clock, make_consultation):
    booked = make_consultation(created_at=timezone.now(), call_at=local(2026, 12, 4, 15, 0))
    clock.move_to(local(2026, 12, 3, 12, 0))  # three business days later, before the call
    assert booked not in ConsultationRequest.objects.overdue()


def test_a_booked_request_is_overdue_once_its_time_passed_without_a_call(clock, make_consultation):
    booked = make_consultation(created_at=timezone.now(), call_at=TUESDAY_TEN)
    clock.move_to(TUESDAY_TEN - timedelta(minutes=1))
    assert booked not in ConsultationRequest.objects.overdue()
    clock.move_to(TUESDAY_TEN + timedelta(minutes=1))
    assert booked in ConsultationRequest.objects.overdue()
    CallAttempt.objects.create(request=booked, outcome=CallAttempt.Outcome.REACHED)
    assert booked not in ConsultationRequest.objects.overdue()


def test_a_request_without_booking_keeps_the_business_day_rule(clock, make_consultation):
    waiting = make_consultation(created_at=timezone.now())
    clock.move_to(local(2026, 12, 1, 7, 59))
    assert waiting not in ConsultationRequest.objects.overdue()
    clock.move_to(local(2026, 12, 1, 8, 1))
    assert waiting in ConsultationRequest.objects.overdue()


def test_booking_leaves_no_audit_noise_and_nothing_personal_in_the_slot_value(
    client, consultation_data
):
    client.post("/consultation/", {**consultation_data, "call_at": TUESDAY_TEN.isoformat()})
    assert not AuditEntry.objects.exists()
    assert date(2026, 12, 1) == ConsultationRequest.objects.get().call_at.astimezone(CHICAGO).date()


def test_the_form_page_with_call_times_takes_four_queries(
    client, make_consultation, django_assert_num_queries
):
    """Closure days, capacities, blocked times and bookings, however many are booked."""
    for minutes in range(0, 120, 15):
        make_consultation(call_at=TUESDAY_TEN + timedelta(minutes=minutes))
    with django_assert_num_queries(4):
        assert client.get("/consultation/").status_code == 200


def test_an_expired_form_comes_back_with_the_chosen_time(consultation_data):
    """The form token went stale: the form comes back with the time and email choices kept."""
    client = Client(enforce_csrf_checks=True)
    chosen = TUESDAY_TEN.isoformat()
    response = client.post(
        "/consultation/",
        {**consultation_data, "call_at": chosen, "confirm_by_email": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert re.search(rf'value="{re.escape(chosen)}" id="id_call_at_\d+" checked', html)
    assert 'name="confirm_by_email" id="id_confirm_by_email" checked' in html


def test_the_form_opens_without_call_times_when_the_database_cannot_be_read(
    client, consultation_data, monkeypatch
):
    """Call times need the database; the rest of the form does not, so it still opens."""

    def unreadable(*args, **kwargs):
        raise DatabaseError("the database is away")

    monkeypatch.setattr("consultations.slots.SlotBook.__init__", unreadable)
    chosen = TUESDAY_TEN.isoformat()
    response = client.post("/consultation/", {**consultation_data, "show_day": "2026-12-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We can't show the free times just now." in html.replace("&#x27;", "'")
    response = client.post(
        "/consultation/", {**consultation_data, "call_at": chosen, "show_day": "2026-12-02"}
    )
    assert f'value="{chosen}" id="id_call_at_1" checked' in response.content.decode()
