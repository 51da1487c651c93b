"""Concurrent submissions through a real gunicorn server with several workers and threads.

Runs on whichever database the suite runs on. PostgreSQL: the server uses the suite's own test
database (committed data, `transactional_db`). SQLite: the in-memory test database cannot be shared
with another process, so the server gets a migrated SQLite file of its own.
"""

import os
import re
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.error import HTTPError

import pytest
from django.db import connection

from ..servers import Gunicorn, manage

CLIENTS = 50


def postgres_url(settings_dict):
    quote = urllib.parse.quote
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{quote(settings_dict['NAME'])}"


def server_env(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "off",
        "CONN_MAX_AGE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "off",
        # Production's task backend: requests only queue the staff email.
        "TASKS_BACKEND": "clinic.task_backend.DatabaseBackend",
        # The test plays a proxy that appends each client's own address.
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_TIMEOUT": "60",
    }


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn on loopback against the suite's database (PostgreSQL) or a SQLite file."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings_dict = connection.settings_dict
    folder = tmp_path_factory.mktemp("concurrency")
    if vendor == "postgresql":
        env = server_env(postgres_url(settings_dict))
    else:
        env = server_env(f"sqlite:///{folder / 'server.sqlite3'}")
        manage(env, "migrate", "--noinput", "-v0", timeout=120)
    with Gunicorn(env, folder / "logs", extra_args=["--threads=4"]) as instance:
        instance.sqlite_path = folder / "server.sqlite3" if vendor != "postgresql" else None
        yield instance


@pytest.fixture
def count_rows(server):
    """`count_rows(table)`: the rows the server has committed to the table."""

    def count(table):
        if server.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                return cursor.fetchone()[0]
        return sqlite_count(server.sqlite_path, table)

    return count


def sqlite_count(path, table):
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


class LoopbackCookiePolicy(DefaultCookiePolicy):
    """The site's cookies are Secure; this plain-HTTP loopback server stands in for HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class Patient:
    """One browser: its own cookies, its own address as the proxy reports it."""

    def __init__(self, server, address):
        self.server = server
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar(LoopbackCookiePolicy())), NoRedirects()
        )

    def open(self, path, data=None):
        request = urllib.request.Request(  # noqa: S310  (loopback http only)
            self.server.url + path,
            data=urllib.parse.urlencode(data, doseq=True).encode() if data else None,
            headers={"X-Forwarded-For": self.address},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def load_form(self):
        status, _headers, html = self.open("/consultation/")
        assert status == 200
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_data(token, number):
    return {
        "csrfmiddlewaretoken": token,
        "name": f"Concurrent Patient {number}",
        "phone": f"(651) 555-{number:04d}",
        "best_times": ["morning", "afternoon"],
        "voicemail_ok": "yes",
        "note": f"Note {number}",
        "consent": "on",
    }


def submit_together(patients, datas):
    """Every patient has the form open; all press submit at the same moment."""
    barrier = threading.Barrier(len(patients), timeout=60)

    def submit(pair):
        patient, data = pair
        barrier.wait()
        return patient.open("/consultation/", data)

    with ThreadPoolExecutor(max_workers=len(patients)) as pool:
        return list(pool.map(submit, zip(patients, datas, strict=True), timeout=120))


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_patients_store_exactly_fifty_requests(server, count_rows):
    """50 different clients submitting at once: 50 requests, 50 queued emails, all thanked."""
    requests_before = count_rows("consultations_consultationrequest")
    tasks_before = count_rows("django_tasks_database_dbtaskresult")
    patients = [Patient(server, f"198.51.100.{number}") for number in range(1, CLIENTS + 1)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        tokens = list(pool.map(Patient.load_form, patients, timeout=120))
    datas = [form_data(token, number) for number, token in enumerate(tokens, start=1)]

    started = time.monotonic()
    results = submit_together(patients, datas)
    elapsed = time.monotonic() - started

    assert [status for status, _headers, _body in results] == [302] * CLIENTS
    assert {headers["Location"].split("?")[0] for _status, headers, _body in results} == {
        "/consultation/thanks/"
    }
    assert count_rows("consultations_consultationrequest") - requests_before == CLIENTS
    assert count_rows("django_tasks_database_dbtaskresult") - tasks_before == CLIENTS
    print(f"{CLIENTS} concurrent submissions in {elapsed:.2f}s")  # noqa: T201


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_double_submits_store_one_request(server, count_rows):
    """The same filled form sent ten times at once from one browser stores one request."""
    before = count_rows("consultations_consultationrequest")
    patient = Patient(server, "203.0.113.50")
    data = form_data(patient.load_form(), 9000)
    results = submit_together([patient] * 10, [data] * 10)
    assert [status for status, _headers, _body in results] == [302] * 10
    assert count_rows("consultations_consultationrequest") - before == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_from_one_client_respect_the_limit(server, count_rows):
    """Twelve different requests from one client at once: exactly five stored, the rest 429."""
    before = count_rows("consultations_consultationrequest")
    patient = Patient(server, "203.0.113.77")
    token = patient.load_form()
    datas = [form_data(token, 7000 + number) for number in range(12)]
    results = submit_together([patient] * 12, datas)
    statuses = sorted(status for status, _headers, _body in results)
    assert statuses == [302] * 5 + [429] * 7
    assert count_rows("consultations_consultationrequest") - before == 5
