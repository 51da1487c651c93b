from datetime import timedelta

from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django.utils import timezone

from consultations.models import ConsultationRequest
from consultations.tasks import notify_staff_of_request


class Command(BaseCommand):
    help = (
        "Queue the staff email again for requests whose notification has not been sent "
        "(the mail server was down, or the worker was not running). Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=10,
            metavar="MINUTES",
            help="Only requests received at least this many minutes ago (default 10), so a "
            "notification still waiting in the queue is not queued twice.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be queued; queue nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than)
        pending = list(
            ConsultationRequest.objects.filter(
                notified_at__isnull=True,
                personal_data_purged_at__isnull=True,
                created_at__lte=cutoff,
            )
            .order_by("created_at")
            .values_list("pk", flat=True)
        )
        if dry_run:
            self.stdout.write(f"Would queue notifications for {len(pending)} request(s).")
            return
        failed = 0
        for pk in pending:
            result = notify_staff_of_request.enqueue(pk)
            if result.status == TaskResultStatus.FAILED:
                failed += 1
        if failed:
            self.stderr.write(
                self.style.ERROR(
                    f"{failed} of {len(pending)} notification(s) failed again; they stay "
                    "pending for the next run."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Queued notifications for {len(pending)} request(s).")
            )
