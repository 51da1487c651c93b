"""`manage.py run_schedule`, the scheduler container's command: every job in the table runs."""

import json
import subprocess
import sys
import time

import pytest

from clinic.schedule import JOBS

from ..servers import BASE_DIR, manage

# Work for every job: an unsent notification, a request past retention, an expired session,
# a task result finished long ago.
WORK = """
from datetime import timedelta
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from consultations.models import ConsultationRequest
long_ago = timezone.now() - timedelta(days=800)
ConsultationRequest.objects.create(
    name="Waiting Patient", phone="+16515550147", voicemail_ok=False,
    created_at=timezone.now() - timedelta(hours=1),
)
ConsultationRequest.objects.create(
    name="Old Patient", phone="+16515550148", voicemail_ok=False, status="closed",
    close_reason="other", closed_at=long_ago, created_at=long_ago, notified_at=long_ago,
)
Session.objects.create(session_key="x" * 32, session_data="", expire_date=long_ago)
DBTaskResult.objects.create(
    status="SUCCESSFUL", args_kwargs={"args": [], "kwargs": {}}, task_path="clinic.tasks.heartbeat",
    backend_name="default", run_after=long_ago, finished_at=long_ago, queue_name="default",
)
"""

STATE = """
import json
from django.contrib.sessions.models import Session
from django_tasks_db.models import DBTaskResult
from consultations.models import ConsultationRequest
print(json.dumps({
    "queued_notifications": DBTaskResult.objects.filter(
        task_path="consultations.tasks.notify_staff_of_request", status="READY").count(),
    "names": sorted(ConsultationRequest.objects.values_list("name", flat=True)),
    "sessions": Session.objects.count(),
    "old_task_results": DBTaskResult.objects.filter(task_path="clinic.tasks.heartbeat").count(),
}))
"""


@pytest.fixture
def scheduler_env(ops_env, tmp_path):
    # The daily digest goes to the console here: the run's own output shows it was sent.
    env = ops_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", TMPDIR=str(tmp_path), EMAIL_URL="consolemail://"
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "--no-imports", "-c", WORK)
    return env


def state(env):
    return json.loads(manage(env, "shell", "--no-imports", "-c", STATE).stdout)


def test_every_job_runs_once(scheduler_env, tmp_path):
    before = state(scheduler_env)
    assert before == {
        "queued_notifications": 0,
        "names": ["Old Patient", "Waiting Patient"],
        "sessions": 1,
        "old_task_results": 1,
    }
    output = manage(scheduler_env, "run_schedule", "--once").stdout
    listed = output.splitlines()[0].removeprefix("Scheduled jobs: ").split(", ")
    assert listed == [job.command for job in JOBS]
    assert state(scheduler_env) == {
        "queued_notifications": 1,
        "names": ["", "Waiting Patient"],
        "sessions": 0,
        "old_task_results": 0,
    }
    assert len(list((tmp_path / "backups").glob("clinic-*.sqlite3"))) == 1


def test_a_failing_job_is_reported_and_does_not_stop_the_others(scheduler_env, tmp_path):
    # A backup folder that cannot be created: the backup fails, everything else still runs.
    (tmp_path / "not-a-folder").write_text("")
    env = {**scheduler_env, "BACKUP_DIR": str(tmp_path / "not-a-folder" / "backups")}
    result = subprocess.run(
        [sys.executable, "manage.py", "run_schedule", "--once"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 1
    assert "These jobs failed (see the log): backup" in result.stderr
    assert state(scheduler_env)["names"] == ["", "Waiting Patient"]


def test_health_check_follows_the_running_scheduler(scheduler_env, tmp_path):
    def check_alive():
        return subprocess.run(
            [sys.executable, "manage.py", "run_schedule", "--check-alive"],
            cwd=BASE_DIR, env=scheduler_env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    not_started = check_alive()
    assert not_started.returncode == 1
    assert "The scheduler has not started." in not_started.stderr

    scheduler = subprocess.Popen(
        [sys.executable, "manage.py", "run_schedule"],
        cwd=BASE_DIR, env=scheduler_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and check_alive().returncode != 0:
            assert scheduler.poll() is None, "run_schedule exited"
            time.sleep(0.5)
        assert check_alive().returncode == 0
        # The first round ran every job, the backup included.
        while time.monotonic() < deadline and not list((tmp_path / "backups").glob("clinic-*")):
            time.sleep(0.5)
        assert list((tmp_path / "backups").glob("clinic-*.sqlite3"))
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=20)
