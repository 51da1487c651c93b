"""`make bench`: load-test the site under gunicorn against a fresh, seeded PostgreSQL database.

Steps: create a throwaway database, migrate, collect static files, seed demo data, count the
database queries of every page at a small and at the full data size (Django's test client in this
process), start gunicorn with the production settings on 127.0.0.1 (tests/servers.py), drive every
page with wrk from a second process, then write docs/benchmarks.md and tear everything down
(server, database, files), also when something fails. Settings: bench/config.py.
"""

import os
import secrets
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from tests.servers import Gunicorn, ServerError

from .config import BASE_DIR, GUNICORN_ARGS, REPORT, SERVER_URL, BenchError, log
from .machine import busy_share, load_average, machine_facts
from .measure import measure
from .report import print_table, write_report


def server_command(sql):
    import psycopg2

    connection = psycopg2.connect(f"{SERVER_URL}/postgres", connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def bench_env(database_url, workdir):
    """The production settings plus the minimal view (bench/settings.py), on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "on",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        # The per-client submission limit, raised so the form benchmark measures the form.
        "CONSULTATION_RATE_LIMIT_PER_HOUR": "1000000",
        # As behind the production proxy: the client is the last X-Forwarded-For entry, which
        # wrk.lua varies, so the form is posted by many patients, not one.
        "TRUSTED_PROXY_COUNT": "1",
    }


def setup_django(env):
    """Django in this process, on the same settings and database as the server."""
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def main():
    load_before = load_average()
    busy_before = busy_share()
    if shutil.which("wrk") is None:
        raise BenchError(
            "wrk is not installed (Debian: apt-get install wrk; `make bench` does it)."
        )
    name = f"clinic_bench_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    created = False
    try:
        log(f"creating database {name}")
        server_command(f'CREATE DATABASE "{name}"')
        created = True
        setup_django(bench_env(f"{SERVER_URL}/{name}", workdir))
        server = Gunicorn(dict(os.environ), workdir / "logs", extra_args=GUNICORN_ARGS)
        log("starting gunicorn " + " ".join(server.command[3:]))
        results, targets = measure(server)
        facts = machine_facts(load_before=load_before, busy_before=busy_before)
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            server_command(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped database {name}")
        shutil.rmtree(workdir, ignore_errors=True)
    write_report(facts, results, targets)
    print_table(results, targets)
    log(f"wrote {REPORT.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except (BenchError, ServerError) as error:
        log(f"ERROR: {error}")
        sys.exit(1)
