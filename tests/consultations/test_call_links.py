"""The patient's booked call: emails through a real SMTP server with their calendar file, the
signed change/cancel link (expiry, tampering, reuse), cancelling, and the reminder."""

from datetime import datetime, timedelta
from email import message_from_bytes, policy
from io import StringIO
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core.management import call_command

from consultations import call_links
from consultations.models import AuditEntry, ConsultationRequest
from consultations.slots import SlotBook

from .test_notifications import smtp_server, use_smtp  # noqa: F401  (the loopback SMTP fixture)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


NOW = local(2026, 11, 30, 8, 0)
TUESDAY_TEN = local(2026, 12, 1, 10, 0)
WEDNESDAY_NINE = local(2026, 12, 2, 9, 0)
PERSONAL = {
    "name": "Quillon Zebediah",
    "phone": "(651) 555-0187",
    "email": "quillon.zebediah@example.net",
    "note": "Xylophonic marmalade",
}
PERSONAL_FRAGMENTS = ["Quillon", "Zebediah", "555-0187", "5550187", "Xylophonic", "marmalade"]


@pytest.fixture(autouse=True)
def booking(booking_settings):
    booking_settings.SITE_URL = "https://clinic.test"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def book(client, consultation_data, django_capture_on_commit_callbacks, settings, smtp_server):  # noqa: F811
    """Submit the form booking ``call_at`` with emails asked for, through the loopback SMTP."""
    use_smtp(settings, smtp_server.port)

    def submit(call_at=TUESDAY_TEN, **changes):
        data = {
            **consultation_data,
            **PERSONAL,
            "call_at": call_at.isoformat(),
            "confirm_by_email": "on",
            "remind_by_email": "on",
            **changes,
        }
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/consultation/", data)
        return ConsultationRequest.objects.get(call_at=call_at)

    return submit


def received(smtp_server):  # noqa: F811
    return [
        message_from_bytes(envelope.original_content, policy=policy.default)
        for envelope in smtp_server.envelopes
    ]


def calendar_of(message):
    (attachment,) = [part for part in message.iter_attachments()]
    assert attachment.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.get_content())


def path_of(url):
    return url.removeprefix("https://clinic.test")


def test_the_confirmation_has_the_time_the_phone_and_a_calendar_file_only(
    book,
    smtp_server,  # noqa: F811
):
    booked = book()
    messages = received(smtp_server)
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [
        ["intake@clinic.test", "lead@clinic.test"],
        ["quillon.zebediah@example.net"],
    ]
    confirmation = messages[1]
    assert confirmation["Subject"] == (
        "Our call is booked: Tuesday, December 1 at 10 a.m. Central time"
    )
    body = confirmation.get_body(("plain",)).get_content()
    assert "Tuesday, December 1 at 10 a.m. Central time" in body
    assert "(952) 260-3550" in body
    assert call_links.change_url(booked) in body
    raw = smtp_server.envelopes[1].original_content.decode()
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in raw.replace("quillon.zebediah@example.net", "")
    (event,) = calendar_of(confirmation).walk("VEVENT")
    assert event.decoded("DTSTART") == TUESDAY_TEN
    assert event.decoded("DTEND") == TUESDAY_TEN + timedelta(minutes=15)
    assert "(952) 260-3550" in str(event["DESCRIPTION"])
    booked.refresh_from_db()
    assert booked.call_confirmation_sent_at is not None


def test_the_confirmation_is_sent_once(book, smtp_server):  # noqa: F811
    from consultations.tasks import CallEmail, email_call_time

    booked = book()
    assert email_call_time.call(booked.pk, CallEmail.CONFIRMATION) is False
    assert len(smtp_server.envelopes) == 2


def test_no_email_goes_to_a_patient_who_did_not_ask(book, smtp_server):  # noqa: F811
    book(confirm_by_email="", remind_by_email="")
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [
        ["intake@clinic.test", "lead@clinic.test"]
    ]


def test_the_link_shows_the_booked_time_and_nothing_else(book, client):
    booked = book()
    html = client.get(path_of(call_links.change_url(booked))).content.decode()
    assert "Your call is booked for Tuesday, December 1 at 10 a.m. Central time." in html
    for fragment in [*PERSONAL_FRAGMENTS, "quillon"]:
        assert fragment not in html


def test_a_tampered_link_does_not_work(book, client):
    booked = book()
    token = call_links.make_token(booked)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/consultation/call/{forged}/")
    assert response.status_code == 410
    assert "isn't one we sent" in response.content.decode().replace("&#x27;", "'")


def test_the_link_expires_after_the_call_time(book, client, clock):
    booked = book()
    path = path_of(call_links.change_url(booked))
    clock.move_to(TUESDAY_TEN + timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410
    assert "The call time in this link has passed." in response.content.decode()


def test_changing_the_time_works_once_and_emails_the_new_time(
    book,
    client,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    booked = book()
    path = path_of(call_links.change_url(booked))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"call_at": WEDNESDAY_NINE.isoformat(), "change": "1"})
    assert response.status_code == 302
    moved = ConsultationRequest.objects.get(pk=booked.pk)
    assert moved.call_at == WEDNESDAY_NINE
    page = client.get(response["Location"]).content.decode()
    assert "Your call is booked for Wednesday, December 2 at 9 a.m. Central time." in page
    # The old link was used: it works no more, for a change or a cancellation.
    again = client.post(path, {"call_at": TUESDAY_TEN.isoformat(), "change": "1"})
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert client.post(path, {"cancel": "1"}).status_code == 410
    # The patient is emailed the new time with a new link and calendar file.
    latest = received(smtp_server)[-1]
    assert latest["Subject"] == (
        "New time for our call: Wednesday, December 2 at 9 a.m. Central time"
    )
    assert call_links.change_url(moved) in latest.get_body(("plain",)).get_content()
    (event,) = calendar_of(latest).walk("VEVENT")
    assert event.decoded("DTSTART") == WEDNESDAY_NINE
    assert event["SEQUENCE"] == 2
    # Tuesday 10:00 is free again.
    assert SlotBook().is_free(TUESDAY_TEN)


def test_cancelling_frees_the_slot_and_marks_the_request(book, client):
    booked = book()
    assert not SlotBook().is_free(TUESDAY_TEN)
    response = client.post(path_of(call_links.change_url(booked)), {"cancel": "1"})
    assert "Your call is cancelled" in response.content.decode()
    cancelled = ConsultationRequest.objects.get(pk=booked.pk)
    assert cancelled.call_at is None
    assert cancelled.call_cancelled_at is not None
    assert SlotBook().is_free(TUESDAY_TEN)
    entry = AuditEntry.objects.get(request_id=booked.pk)
    old = TUESDAY_TEN.astimezone(ZoneInfo("UTC")).isoformat()
    assert entry.changes == [{"field": "call_at", "old": old, "new": None}]
    assert entry.via == "patient's change link"


def test_changing_to_a_taken_time_keeps_the_booking_and_says_so(book, client, make_consultation):
    booked = book()
    make_consultation(call_at=WEDNESDAY_NINE, phone="+16515550111")
    response = client.post(
        path_of(call_links.change_url(booked)),
        {"call_at": WEDNESDAY_NINE.isoformat(), "change": "1"},
    )
    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    assert ConsultationRequest.objects.get(pk=booked.pk).call_at == TUESDAY_TEN


def test_the_reminder_goes_once_the_day_before(
    book,
    clock,
    smtp_server,  # noqa: F811
):
    booked = book(call_at=local(2026, 12, 3, 10, 0))
    clock.move_to(local(2026, 12, 2, 9, 0))
    call_command("send_call_reminders", stdout=StringIO())
    assert len(smtp_server.envelopes) == 2  # more than a day before: nothing yet
    clock.move_to(local(2026, 12, 2, 10, 30))
    call_command("send_call_reminders", stdout=StringIO())
    call_command("send_call_reminders", stdout=StringIO())
    reminder = received(smtp_server)[-1]
    assert len(smtp_server.envelopes) == 3
    assert reminder["Subject"].startswith("Reminder: our call: Thursday, December 3 at 10 a.m.")
    assert ConsultationRequest.objects.get(pk=booked.pk).call_reminder_sent_at is not None
