import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import models
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import ConsultationRequest

logger = logging.getLogger(__name__)


@task()
def notify_staff_of_request(request_id):
    """Email staff that request #N arrived, with the admin link and nothing the patient typed.

    Returns True when it sent the email. When the mail server fails, the error propagates (the
    task is recorded as failed), notified_at stays empty and `send_pending_notifications`
    retries it later.
    """
    recipients = settings.CONSULTATION_NOTIFY_EMAILS
    if not recipients:
        logger.warning("CONSULTATION_NOTIFY_EMAILS is empty: nobody was emailed about a request.")
        return False
    consultation = (
        ConsultationRequest.objects.filter(pk=request_id, notified_at__isnull=True)
        .only("pk", "created_at")
        .first()
    )
    if consultation is None:
        return False
    context = {
        "number": consultation.pk,
        "received": consultation.created_at,
        "admin_url": settings.SITE_URL + consultation.get_admin_url(),
    }
    # Staff read the site's main language, whatever language the patient's page was in (the
    # task may run inside the patient's request).
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("consultations/email/new_request_subject.txt", context)
        body = render_to_string("consultations/email/new_request_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
    # A conditional update: a second run that raced this one does not count twice.
    ConsultationRequest.objects.filter(pk=request_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return True


class CallEmail(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation"
    REMINDER = "reminder", "Reminder"
    MOVED = "moved", "Moved by staff"
    CHANGED = "changed", "Changed by the patient"


# Which field records that each email went out: at most one confirmation and one reminder.
SENT_FIELD = {
    CallEmail.CONFIRMATION: "call_confirmation_sent_at",
    CallEmail.REMINDER: "call_reminder_sent_at",
}


@task()
def email_call_time(request_id, kind):
    """Email the patient their booked call time: the time, the clinic's phone number, a calendar
    file and the link to change or cancel it. Nothing else they typed. Returns True when sent."""
    from .call_links import calendar_file, change_url
    from .slots import describe_slot

    wanted = {
        CallEmail.CONFIRMATION: "call_confirmation_wanted",
        CallEmail.REMINDER: "call_reminder_wanted",
        CallEmail.MOVED: "call_confirmation_wanted",
        CallEmail.CHANGED: "call_confirmation_wanted",
    }[kind]
    pending = ConsultationRequest.objects.filter(
        pk=request_id,
        call_at__gt=timezone.now(),
        personal_data_purged_at__isnull=True,
        **{wanted: True},
    ).exclude(email="")
    if kind in SENT_FIELD:
        pending = pending.filter(**{f"{SENT_FIELD[kind]}__isnull": True})
    consultation = pending.first()
    if consultation is None:
        return False
    context = {
        "kind": kind,
        "call_time": describe_slot(consultation.call_at),
        "change_url": change_url(consultation),
        "clinic": settings.CLINIC,
    }
    subject = render_to_string("consultations/email/call_time_subject.txt", context)
    message = EmailMessage(
        " ".join(subject.split()),
        render_to_string("consultations/email/call_time_body.txt", context),
        to=[consultation.email],
    )
    message.attach("call.ics", calendar_file(consultation), "text/calendar")
    message.send()
    if kind in SENT_FIELD:
        ConsultationRequest.objects.filter(pk=request_id).update(
            **{SENT_FIELD[kind]: timezone.now()}
        )
    return True
