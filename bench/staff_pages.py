"""The staff home and "How we're doing" at 10,000 and 100,000 requests on PostgreSQL.

For each size: queries per request, and the median Django CPU time and wall time per request
(Django's test client in this process, signed in as a superuser, who sees every tile). Uses a
throwaway database on BENCH_DATABASE_SERVER, dropped afterwards.

    .venv/bin/python bench/staff_pages.py
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.config import SERVER_URL, log  # noqa: E402
from bench.in_process import count_queries, send, staff_session, test_client  # noqa: E402
from bench.run import server_command, setup_django  # noqa: E402

SIZES = [10_000, 100_000]
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def wall_ms(page, cookie):
    client = test_client(page, cookie)
    send(client, page, "")
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        send(client, page, "")
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def cpu_ms(page, cookie):
    client = test_client(page, cookie)
    send(client, page, "")
    samples = []
    for _ in range(REPEAT):
        started = time.process_time()
        send(client, page, "")
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def main():
    name = f"clinic_bench_staff_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{SERVER_URL}/{name}",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "off",
        "BENCH_STATIC_ROOT": tempfile.mkdtemp(prefix="clinic-bench-static-"),
        "LOG_LEVEL": "WARNING",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    server_command(f'CREATE DATABASE "{name}"')
    try:
        setup_django(env)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        cookie = staff_session()
        admin = f"/{settings.ADMIN_URL}"
        pages = [
            {"key": "home", "path": admin, "admin": True, "method": "GET"},
            {
                "key": "metrics",
                "path": f"{admin}consultations/consultationrequest/how-we-are-doing/",
                "admin": True,
                "method": "GET",
            },
        ]
        for size in SIZES:
            started = time.perf_counter()
            call_command("seed_demo", questions=0, requests=size, force=True, verbosity=0)
            call_command("migrate", interactive=False, verbosity=0)
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            log(f"seeded {size} requests in {time.perf_counter() - started:.0f} s")
            queries = count_queries(pages, cookie, "")
            for page in pages:
                cpu, wall = cpu_ms(page, cookie), wall_ms(page, cookie)
                print(
                    f"{size:>7} requests  {page['key']:<8} queries={queries[page['key']]:>2}  "
                    f"django_cpu_ms={cpu:6.1f}  wall_ms={wall:6.1f}",
                    flush=True,
                )
    finally:
        from django.db import connections

        connections.close_all()
        server_command(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped database {name}")


if __name__ == "__main__":
    main()
