from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.tasks import heartbeat

HEARTBEAT = heartbeat.module_path


class Command(BaseCommand):
    help = (
        "Health check of the task worker (db_worker): fails when a heartbeat task queued more "
        "than --grace seconds ago has not been run; queues a new one when none is waiting."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grace", type=int, default=120)

    def handle(self, *args, grace, **options):
        waiting = DBTaskResult.objects.ready().filter(task_path=HEARTBEAT)
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is not None and timezone.now() - oldest > timedelta(seconds=grace):
            raise CommandError(
                f"The task worker is not running tasks: a heartbeat has waited since {oldest}."
            )
        if oldest is None:
            heartbeat.enqueue()
        self.stdout.write("The task worker is running tasks.")
