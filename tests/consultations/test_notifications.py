from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from consultations.models import ConsultationRequest
from consultations.tasks import notify_staff_of_request

from ..servers import free_port

pytestmark = pytest.mark.django_db

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
PERSONAL = {
    "name": "Quillon Zebediah",
    "phone": "(651) 555-0187",
    "email": "quillon.zebediah@example.net",
    "note": "Xylophonic marmalade",
}
PERSONAL_FRAGMENTS = ["Quillon", "Zebediah", "quillon", "555-0187", "5550187", "Xylophonic"]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback for the length of one test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def use_smtp(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def submit(client, consultation_data, django_capture_on_commit_callbacks):
    """Submit the form with distinctive personal values, running the on-commit notification."""

    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/consultation/", {**consultation_data, **PERSONAL, **changes})

    return post


def test_new_request_emails_staff_the_number_and_admin_link_only(submit, settings):
    """One email to the staff: request number and absolute admin link, no patient data."""
    submit()
    request = ConsultationRequest.objects.get()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["intake@clinic.test", "lead@clinic.test"]
    assert email.subject == f"New consultation request #{request.pk}"
    link = f"https://clinic.test/admin/consultations/consultationrequest/{request.pk}/change/"
    assert link in email.body
    assert f"request #{request.pk} arrived" in email.body
    whole = email.message().as_string()
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in whole
    assert request.notified_at is not None
    assert request.notified_at <= timezone.now()


def test_admin_link_follows_site_url_and_admin_url(submit, settings):
    settings.SITE_URL = "https://www.example.org"
    submit()
    pk = ConsultationRequest.objects.get().pk
    assert f"https://www.example.org/admin/consultations/consultationrequest/{pk}/change/" in (
        mail.outbox[0].body
    )


def test_notification_through_a_real_smtp_server(submit, settings, smtp_server):
    """The email crosses a real SMTP conversation on loopback and carries nothing personal."""
    use_smtp(settings, smtp_server.port)
    response = submit()
    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["intake@clinic.test", "lead@clinic.test"]
    content = envelope.content.decode()
    assert f"Subject: New consultation request #{request.pk}" in content
    assert f"/consultationrequest/{request.pk}/change/" in content
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in content
    assert request.notified_at is not None


def test_smtp_down_still_stores_the_request_and_thanks_the_patient(submit, settings):
    """Mail server unreachable: the patient is thanked, the request waits to be notified."""
    use_smtp(settings, free_port())  # nothing listens there
    response = submit()
    assert response.status_code == 302
    assert response["Location"].startswith("/consultation/thanks/?by=")
    request = ConsultationRequest.objects.get()
    assert request.name == PERSONAL["name"]
    assert request.notified_at is None


def test_failed_notification_is_retried_by_the_command(submit, settings, smtp_server):
    """After an outage, send_pending_notifications sends what was missed, once."""
    use_smtp(settings, free_port())
    submit()
    request = ConsultationRequest.objects.get()
    assert request.notified_at is None

    use_smtp(settings, smtp_server.port)
    out = StringIO()
    call_command("send_pending_notifications", "--older-than=0", stdout=out)
    assert "Queued notifications for 1 request(s)." in out.getvalue()
    assert len(smtp_server.envelopes) == 1
    request.refresh_from_db()
    assert request.notified_at is not None

    call_command("send_pending_notifications", "--older-than=0", stdout=out)
    assert len(smtp_server.envelopes) == 1, "an notified request is never emailed twice"


def test_retry_command_reports_failures_while_the_server_is_still_down(submit, settings):
    use_smtp(settings, free_port())
    submit()
    err = StringIO()
    call_command("send_pending_notifications", "--older-than=0", stdout=StringIO(), stderr=err)
    assert "1 of 1 notification(s) failed again" in err.getvalue()
    assert ConsultationRequest.objects.get().notified_at is None


def test_retry_command_dry_run_and_age_threshold(submit, settings):
    """--dry-run sends nothing; fresh requests are left to the queue they are already in."""
    use_smtp(settings, free_port())
    submit()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    out = StringIO()
    call_command("send_pending_notifications", "--older-than=0", "--dry-run", stdout=out)
    assert "Would queue notifications for 1 request(s)." in out.getvalue()
    call_command("send_pending_notifications", stdout=out)  # default: older than 10 minutes
    assert "Queued notifications for 0 request(s)." in out.getvalue()
    assert mail.outbox == []


def test_task_does_nothing_for_an_already_notified_request(submit):
    submit()
    request = ConsultationRequest.objects.get()
    assert notify_staff_of_request.call(request.pk) is False
    assert len(mail.outbox) == 1


def test_no_recipients_configured_sends_nothing_and_leaves_it_pending(submit, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = []
    submit()
    assert mail.outbox == []
    assert ConsultationRequest.objects.get().notified_at is None


@pytest.mark.django_db(transaction=True)
def test_production_path_queues_in_the_database_and_the_worker_sends(submit, settings):
    """With the database backend the request only queues a task; `db_worker` sends it.

    Committed transactions, as in production: the worker closes and reopens connections.
    """
    settings.TASKS = {"default": {"BACKEND": "clinic.task_backend.DatabaseBackend"}}
    submit()
    request = ConsultationRequest.objects.get()
    assert mail.outbox == []
    assert request.notified_at is None
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "consultations.tasks.notify_staff_of_request"
    assert queued.args_kwargs == {"args": [request.pk], "kwargs": {}}  # the number, nothing else

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    assert len(mail.outbox) == 1
    request.refresh_from_db()
    assert request.notified_at is not None
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_deploy_checks_warn_when_staff_could_not_be_told(settings):
    """`check --deploy` names each missing piece of the notification set-up."""
    from consultations.checks import notification_settings

    settings.CONSULTATION_NOTIFY_EMAILS = []
    settings.EMAIL_URL = ""
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ids = [warning.id for warning in notification_settings(None)]
    assert ids == [
        "consultations.W001",
        "consultations.W002",
        "consultations.W003",
        "consultations.W004",
    ]
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@clinic.test"]
    settings.EMAIL_URL = "smtp+tls://user:pass@smtp.example.org:587"
    settings.SITE_URL = "https://clinic.example.org"
    for backend in ("clinic.task_backend.DatabaseBackend", "django_tasks_db.DatabaseBackend"):
        settings.TASKS = {"default": {"BACKEND": backend}}
        assert notification_settings(None) == []
    settings.TASKS = {"default": {"BACKEND": "clinic.no_such_module.Backend"}}
    assert [warning.id for warning in notification_settings(None)] == ["consultations.W004"]
