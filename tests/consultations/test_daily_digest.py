"""send_daily_digest: the day's figures with links, once per clinic day, never on closed days,
and nothing a patient typed."""

import socket
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from consultations.models import CallAttempt, ClosureDay, ConsultationRequest, DigestRun

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY_MORNING = datetime(2026, 11, 30, 8, 30, tzinfo=CHICAGO)
Status = ConsultationRequest.Status


@pytest.fixture(autouse=True)
def recipients(settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@clinic.example.org", "lead@clinic.example.org"]
    settings.SITE_URL = "https://clinic.example.org"


def run(at, *args):
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_daily_digest", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def requests_of_the_day(make_consultation, admin_user):
    # Overdue: Thursday before (Friday counts as its business day), never called.
    make_consultation(name="Overdue Person", created_at=MONDAY_MORNING - timedelta(days=4))
    # New since yesterday (Sunday evening), unassigned.
    make_consultation(name="Sunday Person", created_at=MONDAY_MORNING - timedelta(hours=14))
    # Assigned, contacting (called once, so not overdue), received last week.
    assigned = make_consultation(
        name="Assigned Person",
        status=Status.CONTACTING,
        assigned_to=admin_user,
        created_at=MONDAY_MORNING - timedelta(days=6),
    )
    CallAttempt.objects.create(
        request=assigned,
        called_at=MONDAY_MORNING - timedelta(days=5),
        outcome=CallAttempt.Outcome.NO_ANSWER,
    )
    # Closed: counted nowhere.
    make_consultation(
        name="Closed Person",
        status=Status.CLOSED,
        close_reason="other",
        created_at=MONDAY_MORNING - timedelta(hours=3),
    )


def test_the_digest_gives_the_days_figures_with_links(requests_of_the_day):
    output = run(MONDAY_MORNING)

    assert "Digest sent to 2 recipient(s)." in output
    (email,) = mail.outbox
    assert email.to == ["intake@clinic.example.org", "lead@clinic.example.org"]
    assert email.subject == "Call-backs for Monday, November 30"
    body = email.body
    assert "Open requests: 3\n" in body
    assert "Overdue now: 1\n" in body
    assert "Unassigned: 2\n" in body
    assert "New since yesterday: 2\n" in body
    changelist = "https://clinic.example.org/admin/consultations/consultationrequest/"
    for query in ("status=open", "overdue=yes", "assignee=none", "status=all"):
        assert f"{changelist}?{query}" in body
    assert "https://clinic.example.org/admin/" in body


def test_the_digest_holds_nothing_a_patient_typed(requests_of_the_day):
    run(MONDAY_MORNING)
    (email,) = mail.outbox
    text = email.subject + email.body
    for request in ConsultationRequest.objects.all():
        for value in (request.name, request.phone, request.email, request.note):
            if value:
                assert value not in text
    assert "Person" not in text and "555" not in text and "@example.org" not in text


def test_sent_once_per_clinic_day(requests_of_the_day):
    run(MONDAY_MORNING)
    again = run(MONDAY_MORNING + timedelta(hours=6))
    assert "already sent" in again
    assert len(mail.outbox) == 1
    assert DigestRun.objects.get().clinic_date == date(2026, 11, 30)
    # The next business day it goes out again.
    run(MONDAY_MORNING + timedelta(days=1))
    assert len(mail.outbox) == 2


def test_the_clinic_day_is_clinic_time():
    # 23:30 in Minnesota on Monday is already Tuesday in UTC: still Monday's digest.
    run(datetime(2026, 11, 30, 23, 30, tzinfo=CHICAGO))
    assert DigestRun.objects.get().clinic_date == date(2026, 11, 30)


@pytest.mark.parametrize(
    "closed",
    [
        datetime(2026, 11, 28, 9, 0, tzinfo=CHICAGO),  # Saturday
        datetime(2026, 11, 26, 9, 0, tzinfo=CHICAGO),  # Thanksgiving
        datetime(2026, 12, 25, 9, 0, tzinfo=CHICAGO),  # Christmas
        datetime(2026, 12, 2, 9, 0, tzinfo=CHICAGO),  # a closure day (below)
    ],
)
def test_nothing_is_sent_on_closed_days(closed):
    ClosureDay.objects.create(date=date(2026, 12, 2))
    assert "closed" in run(closed)
    assert mail.outbox == [] and DigestRun.objects.count() == 0


def test_a_failed_send_is_tried_again_next_run(settings):
    """With the mail server down the run fails loudly and records nothing, so the next cron
    run sends it."""
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 5},
        }
    }
    with pytest.raises(OSError):
        run(MONDAY_MORNING)
    assert DigestRun.objects.count() == 0


def test_dry_run_sends_and_records_nothing(requests_of_the_day):
    output = run(MONDAY_MORNING, "--dry-run")
    assert "Open requests: 3" in output
    assert mail.outbox == [] and DigestRun.objects.count() == 0
