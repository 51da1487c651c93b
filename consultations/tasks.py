import logging

from django.conf import settings
from django.core.mail import send_mail
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
