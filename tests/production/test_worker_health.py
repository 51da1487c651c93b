"""The task worker's health check (`manage.py worker_health`) proves the worker runs tasks."""

import subprocess
import sys

from ..servers import BASE_DIR, manage

AGE_THE_HEARTBEAT = """
from datetime import timedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
"""


def worker_health(env):
    return subprocess.run(
        [sys.executable, "manage.py", "worker_health"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def heartbeats(env, status):
    code = (
        "from django_tasks_db.models import DBTaskResult\n"
        f"print(DBTaskResult.objects.filter(task_path='clinic.tasks.heartbeat', "
        f"status='{status}').count())"
    )
    return int(manage(env, "shell", "--no-imports", "-c", code).stdout)


def test_unhealthy_while_no_worker_runs_the_heartbeat(ops_env, tmp_path):
    env = ops_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    manage(env, "migrate", "--noinput")

    # The first check queues a heartbeat; a second one does not queue another.
    assert worker_health(env).returncode == 0
    assert worker_health(env).returncode == 0
    assert heartbeats(env, "READY") == 1

    # Nobody ran it for ten minutes: the worker is not alive.
    manage(env, "shell", "--no-imports", "-c", AGE_THE_HEARTBEAT)
    stuck = worker_health(env)
    assert stuck.returncode == 1
    assert "The task worker is not running tasks" in stuck.stderr

    # The worker runs it: healthy again, and the next check queues the next heartbeat.
    manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert heartbeats(env, "SUCCESSFUL") == 1
    assert worker_health(env).returncode == 0
    assert heartbeats(env, "READY") == 1
