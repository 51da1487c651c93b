"""Fixtures for the production-operations tests: the site's commands run as the containers run
them, in subprocesses with the production environment."""

import json
import secrets

import pytest

from ..servers import Gunicorn, manage
from .private_postgres import PrivatePostgres
from .support import PUBLIC_HOST, dockerfile_build_env, production_env

# Made-up patients: a request still open, one closed long past the retention period (due to be
# purged, not purged yet), each with an encrypted note and an encrypted call note.
SEED = """
from datetime import timedelta
from django.utils import timezone
from consultations.models import CallAttempt, ConsultationRequest
old = timezone.now() - timedelta(days=800)
for i, mark in enumerate(MARKS):
    closed = i == len(MARKS) - 1
    request = ConsultationRequest.objects.create(
        name=f"Patient {mark}", phone="+16515550147", email=f"{mark}@example.org",
        voicemail_ok=True, note=f"note {mark}", best_times=["morning"],
        status="closed" if closed else "new", close_reason="other" if closed else "",
        closed_at=old if closed else None, created_at=old if closed else timezone.now(),
    )
    CallAttempt.objects.create(request=request, outcome="no_answer", notes=f"call {mark}")
"""

# Every model's row count, and every request's and call's content as the site reads it
# (decrypted with the keys in the environment), as JSON.
SNAPSHOT = """
import json
from django.apps import apps
from consultations.models import CallAttempt, ConsultationRequest
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
requests = [
    {"pk": r.pk, "name": r.name, "email": r.email, "note": r.note,
     "purged": r.personal_data_purged_at is not None}
    for r in ConsultationRequest.objects.order_by("pk")
]
calls = [[c.request_id, c.notes] for c in CallAttempt.objects.order_by("pk")]
print(json.dumps({"counts": counts, "requests": requests, "calls": calls}))
"""


def seed_patients(env, marks):
    manage(env, "shell", "--no-imports", "-c", f"MARKS = {json.dumps(marks)}\n{SEED}")


def database_snapshot(env):
    return json.loads(manage(env, "shell", "--no-imports", "-c", SNAPSHOT).stdout)


@pytest.fixture
def seed():
    """`seed(env, marks)`: add the made-up patients to the database `env` points at."""
    return seed_patients


@pytest.fixture
def snapshot():
    """`snapshot(env)`: row counts and decrypted content of the database `env` points at."""
    return database_snapshot


@pytest.fixture
def marks():
    """Strings that can only come from the seeded notes, never from ids or timestamps."""
    return [f"patientmark-{secrets.token_hex(8)}" for _ in range(3)]


@pytest.fixture(scope="module")
def private_postgres():
    server = PrivatePostgres().init()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def database_factory(request, tmp_path):
    """`new_database(name)`: the URL of a new, empty database of the kind under test."""
    kind = request.param
    if kind == "sqlite":
        return lambda name: f"sqlite:///{tmp_path / name}.sqlite3"
    import psycopg2

    server = request.getfixturevalue("private_postgres")

    def new_database(name):
        name = f"{name}_{secrets.token_hex(4)}"
        connection = psycopg2.connect(server.url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return f"postgres://postgres@127.0.0.1:{server.port}/{name}"

    return new_database


@pytest.fixture
def ops_env(tmp_path):
    """`ops_env(database_url, **extra)`: the production environment for one database."""

    def make(database_url, **extra):
        return production_env(tmp_path, database_url, BACKUP_DIR=str(tmp_path / "backups"), **extra)

    return make


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    """The site as the container runs it: collectstatic, migrate, gunicorn with gunicorn.conf.py
    on a loopback port, production settings, its own SQLite database. Stopped after the run."""
    workdir = tmp_path_factory.mktemp("container")
    env = production_env(workdir, f"sqlite:///{workdir / 'db.sqlite3'}")
    # collectstatic runs exactly as the image build does, with the Dockerfile's throwaway settings.
    build_env = {k: env[k] for k in ("PATH", "LANG", "HOME", "STATIC_ROOT") if k in env}
    manage({**build_env, **dockerfile_build_env()}, "collectstatic", "--noinput")
    manage(env, "migrate", "--noinput")
    server = Gunicorn(env, workdir / "logs", host=PUBLIC_HOST).start()
    try:
        yield server
    finally:
        server.stop()
