"""The machine a run was made on, and how busy other programs kept it."""

import os
import platform
import runpy
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from .config import BASE_DIR, GUNICORN_ARGS


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def busy_share(seconds=2.0):
    """How busy the cores are while this script does nothing: other programs' load."""

    def sample():
        fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    try:
        busy_before, total_before = sample()
        time.sleep(seconds)
        busy_after, total_after = sample()
    except OSError:
        return "unknown"
    return f"{(busy_after - busy_before) / max(total_after - total_before, 1):.0%}"


def gunicorn_workers():
    """How gunicorn.conf.py runs the server, with the run's extra arguments."""
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    threads = conf.get("threads", 1)
    workers = f"gunicorn.conf.py: {conf.get('workers', 1)} {conf.get('worker_class', 'sync')} "
    workers += "workers" + (f" x {threads} threads" if threads > 1 else "")
    return workers + (f", plus {' '.join(GUNICORN_ARGS)}" if GUNICORN_ARGS else "")


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_facts(*, load_before, busy_before):
    import django
    import gunicorn
    import psycopg2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load average before / after": f"{load_before} / {load_average()}",
        "cores busy with other programs just before the run": busy_before,
        "cores": f"{os.cpu_count()} ({cpu_model()})",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": f"{gunicorn.__version__}, {gunicorn_workers()}",
        "postgresql": postgres,
        "psycopg2": psycopg2.__version__.split()[0],
        "wrk": (wrk.stdout or wrk.stderr).split("Copyright")[0].strip(),
    }
