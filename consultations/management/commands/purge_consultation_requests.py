from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest


class Command(BaseCommand):
    help = (
        "Remove the personal data (name, phone, email, note, best times, call notes) of "
        "consultation requests closed longer than CONSULTATION_RETENTION_DAYS. Status, dates "
        "and call outcomes stay for counting. Safe to run again; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be removed without changing anything.",
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        days = settings.CONSULTATION_RETENTION_DAYS
        ids, note_count = services.purge_personal_data(now=now, dry_run=dry_run)

        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the personal data of {len(ids)} request(s) closed more than {days} "
                f"days ago, and {note_count} call note(s)."
            )
        )
        if ids:
            self.stdout.write(f"Requests: {', '.join(f'#{pk}' for pk in ids)}")

        stale_cutoff = now - timedelta(days=days)
        stale = ConsultationRequest.objects.open().filter(created_at__lte=stale_cutoff).count()
        if stale:
            self.stdout.write(
                self.style.WARNING(
                    f"{stale} request(s) have been open for more than {days} days. Their personal "
                    "data is kept until they are closed; close them in the admin if nobody is "
                    "working on them."
                )
            )
