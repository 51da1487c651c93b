"""The periodic jobs `manage.py run_schedule` runs: one table, one line per job.

Each job is a management command run every `every`. A job that fails is logged and tried again at
its next turn; it never stops the others.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    command: str
    every: timedelta
    args: tuple = ()
    # Purges remove data past its time; a restored backup runs them at once (manage.py restore).
    purge: bool = False


JOBS = (
    Job("send_pending_notifications", every=timedelta(minutes=10)),
    Job("send_call_reminders", every=timedelta(hours=1)),
    Job("purge_consultation_requests", every=timedelta(days=1), purge=True),
    Job("clearsessions", every=timedelta(days=1), purge=True),
    Job("prune_db_task_results", every=timedelta(days=1), args=("--min-age-days", "7")),
    Job("purge_faq_feedback", every=timedelta(days=1), purge=True),
    Job("send_daily_digest", every=timedelta(days=1)),
    Job("backup", every=timedelta(days=1)),
)


def run_job(job, *, stdout=None):
    """Run one job; returns True when it finished without an error."""
    started = time.monotonic()
    try:
        call_command(job.command, *job.args, stdout=stdout)
    except Exception:
        logger.exception("Scheduled job %s failed", job.command)
        return False
    logger.info("Scheduled job %s finished in %.1fs", job.command, time.monotonic() - started)
    return True


def run_purges(*, stdout=None):
    return all(run_job(job, stdout=stdout) for job in JOBS if job.purge)
