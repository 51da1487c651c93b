from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from consultations.models import ConsultationRequest
from consultations.tasks import CallEmail, email_call_time

REMIND_BEFORE = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Queue the reminder email for booked calls in the next 24 hours whose patient asked for "
        "one (once per request; not for calls booked less than a day ahead). Run it hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would be queued; queue nothing."
        )

    def handle(self, *args, dry_run, **options):
        now = timezone.now()
        due = list(
            ConsultationRequest.objects.open()
            .filter(
                call_reminder_wanted=True,
                call_reminder_sent_at__isnull=True,
                personal_data_purged_at__isnull=True,
                call_at__gt=now,
                call_at__lte=now + REMIND_BEFORE,
                created_at__lte=models.F("call_at") - REMIND_BEFORE,
            )
            .exclude(email="")
            .values_list("pk", flat=True)
        )
        if dry_run:
            self.stdout.write(f"Would queue {len(due)} reminder(s).")
            return
        for pk in due:
            email_call_time.enqueue(pk, CallEmail.REMINDER)
        self.stdout.write(self.style.SUCCESS(f"Queued {len(due)} reminder(s)."))
