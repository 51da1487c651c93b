from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consultations.business_days import clinic_calendar, clinic_date
from consultations.metrics import intake_summary
from consultations.models import ConsultationRequest, DigestRun


class Command(BaseCommand):
    help = (
        "Email the notification recipients today's call-back figures (open, overdue, unassigned, "
        "new since yesterday) with links to the lists. Sent at most once per clinic day and "
        "never on a day the clinic is closed. Safe to run from cron more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the email; send and record nothing."
        )

    def handle(self, *args, dry_run, **options):
        now = timezone.now()
        today = clinic_date(now)
        if not clinic_calendar().is_business_day(today):
            self.stdout.write(f"The clinic is closed on {today:%A %B %-d}: no digest sent.")
            return
        if DigestRun.objects.filter(clinic_date=today).exists():
            self.stdout.write(f"The digest for {today:%A %B %-d} was already sent.")
            return
        recipients = settings.CONSULTATION_NOTIFY_EMAILS
        if not recipients:
            self.stderr.write("CONSULTATION_NOTIFY_EMAILS is empty: nobody to send the digest to.")
            return
        subject, body = self.compose(now, today)
        if dry_run:
            self.stdout.write(f"{subject}\n\n{body}")
            return
        try:
            with transaction.atomic():
                # Recorded first, inside the transaction: a second run at the same moment stops
                # at the unique date; a failed send rolls the record back so cron tries again.
                DigestRun.objects.create(clinic_date=today, sent_at=now, recipients=len(recipients))
                send_mail(subject, body, None, recipients)
        except IntegrityError:
            self.stdout.write(f"The digest for {today:%A %B %-d} was already sent.")
            return
        self.stdout.write(self.style.SUCCESS(f"Digest sent to {len(recipients)} recipient(s)."))

    def compose(self, now, today):
        figures = intake_summary(user=None, now=now)
        new = ConsultationRequest.objects.filter(created_at__gte=now - timedelta(days=1)).count()
        changelist = settings.SITE_URL + reverse(
            "admin:consultations_consultationrequest_changelist"
        )
        context = {
            "today": today,
            "lines": [
                ("Open requests", figures["open"], f"{changelist}?status=open"),
                ("Overdue now", figures["overdue"], f"{changelist}?overdue=yes"),
                ("Unassigned", figures["unassigned"], f"{changelist}?assignee=none"),
                ("New since yesterday", new, f"{changelist}?status=all"),
            ],
            "home_url": settings.SITE_URL + reverse("admin:index"),
        }
        subject = render_to_string("consultations/email/daily_digest_subject.txt", context)
        body = render_to_string("consultations/email/daily_digest_body.txt", context)
        return " ".join(subject.split()), body
