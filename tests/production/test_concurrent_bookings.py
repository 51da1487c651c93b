"""Patients racing for the last places of one call time, through a real gunicorn server with
several workers, on whichever database the suite runs on (see test_concurrent_submissions)."""

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html import unescape

import pytest
from django.db import connection

from ..servers import Gunicorn, manage
from .test_concurrent_submissions import (
    Patient,
    form_data,
    postgres_url,
    server_env,
    submit_together,
)

RACERS = 20
PLACES = 3


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings_dict = connection.settings_dict
    folder = tmp_path_factory.mktemp("bookings")
    database = (
        postgres_url(settings_dict)
        if vendor == "postgresql"
        else f"sqlite:///{folder / 'server.sqlite3'}"
    )
    env = {**server_env(database), "CONSULTATION_CALLS_PER_SLOT": str(PLACES)}
    if vendor != "postgresql":
        manage(env, "migrate", "--noinput", "-v0", timeout=120)
    with Gunicorn(env, folder / "logs", extra_args=["--threads=4"]) as instance:
        instance.sqlite_path = folder / "server.sqlite3" if vendor != "postgresql" else None
        yield instance


def booked_at(server, slot):
    """Requests the server stored with the call time ``slot`` (ISO 8601 with its offset)."""
    moment = datetime.fromisoformat(slot)
    if server.sqlite_path is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM consultations_consultationrequest WHERE call_at = %s",
                [moment],
            )
            return cursor.fetchone()[0]
    with sqlite3.connect(server.sqlite_path) as db:
        stored = db.execute(
            "SELECT call_at FROM consultations_consultationrequest WHERE call_at IS NOT NULL"
        ).fetchall()
    # Django keeps SQLite datetimes as naive UTC text.
    return sum(datetime.fromisoformat(value).replace(tzinfo=UTC) == moment for (value,) in stored)


@pytest.mark.django_db(transaction=True)
def test_twenty_patients_race_for_three_places_and_exactly_three_book(server):
    """Exactly the free places are booked; everyone else gets the form back, values kept, with a
    plain message and the next free times."""
    patients = [Patient(server, f"198.51.100.{100 + number}") for number in range(RACERS)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        tokens = list(pool.map(Patient.load_form, patients, timeout=120))
    _status, _headers, page = patients[0].open("/consultation/")
    # The first free time the form offers (the first radio button is "no preference").
    slot = unescape(re.findall(r'name="call_at" value="([^"]*)"', page)[1])
    datas = [
        {**form_data(token, 4000 + number), "call_at": slot} for number, token in enumerate(tokens)
    ]

    results = submit_together(patients, datas)

    statuses = sorted(status for status, _headers, _body in results)
    assert statuses == [302] * PLACES + [409] * (RACERS - PLACES)
    for number, (status, _headers, body) in enumerate(results):
        if status == 409:
            assert "That time was just taken" in body
            assert f'value="Concurrent Patient {4000 + number}"' in body
            assert f"Note {4000 + number}" in body
            assert "The next free times:" in body
    assert booked_at(server, slot) == PLACES
