import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.schedule import JOBS, run_job

ALIVE_FILE = Path(tempfile.gettempdir()) / "clinic-run-schedule.alive"
# The loop touches ALIVE_FILE at least this often; --check-alive allows three times as long.
TICK = timedelta(seconds=30)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (pending notifications, purges, backups; see clinic/schedule.py) "
        "for as long as it runs. Every job runs once at start, then at its interval."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then stop.")
        parser.add_argument(
            "--check-alive",
            action="store_true",
            help="Exit 0 if a running scheduler has shown signs of life lately (health check).",
        )

    def handle(self, *args, once=False, check_alive=False, **options):
        if check_alive:
            return self.check_alive()
        jobs = JOBS
        self.stdout.write("Scheduled jobs: " + ", ".join(job.command for job in jobs))
        if once:
            failed = [job.command for job in jobs if not run_job(job, stdout=self.stdout)]
            if failed:
                raise CommandError("These jobs failed (see the log): " + ", ".join(failed))
            return
        due = dict.fromkeys(jobs, time.monotonic())
        while True:
            ALIVE_FILE.touch()
            now = time.monotonic()
            for job, at in due.items():
                if at <= now:
                    run_job(job, stdout=self.stdout)
                    due[job] = now + job.every.total_seconds()
            ALIVE_FILE.touch()
            time.sleep(max(1, min(TICK.total_seconds(), min(due.values()) - time.monotonic())))

    def check_alive(self):
        try:
            age = time.time() - ALIVE_FILE.stat().st_mtime
        except FileNotFoundError:
            raise CommandError("The scheduler has not started.") from None
        if age > 3 * TICK.total_seconds():
            raise CommandError(f"The scheduler has shown no sign of life for {age:.0f} seconds.")
        self.stdout.write(f"The scheduler is alive (last sign {age:.0f} seconds ago).")
