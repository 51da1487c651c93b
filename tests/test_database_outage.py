"""A database outage, for real: a private PostgreSQL server is stopped under a running site."""

import json
import time

import pytest

from .private_postgres import PrivatePostgres
from .production import Gunicorn, create_staff_member, manage, production_env, sign_in_as_staff

PHONE_LINK = 'href="tel:+19522603550"'


@pytest.fixture(scope="module")
def database():
    server = PrivatePostgres().init()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def site(database, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("outage")
    # Static files come straight from the source folders; collectstatic is tested elsewhere.
    env = production_env(workdir, database.url, STATIC_MANIFEST="off")
    (workdir / "staticfiles").mkdir()
    manage(env, "migrate", "--noinput")
    server = Gunicorn(env, workdir / "logs").start()
    try:
        yield server
    finally:
        server.stop()


def wait_for_health(site, expected_status, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        reply = site.request("GET", "/healthz/", secure=False)
        if reply.status == expected_status or time.monotonic() > deadline:
            return reply
        time.sleep(0.25)


def test_site_answers_during_an_outage_and_recovers_by_itself(site, database):
    """Stop the database: friendly 503s with the phone number. Start it: the site is back."""
    password = "a long staff password 2026"
    key = create_staff_member(site.env, "intake", password)
    staff_cookies = sign_in_as_staff(site, "intake", password, key)
    assert site.request("GET", "/admin/", cookies=staff_cookies).status == 200
    assert site.request("GET", "/faq/").status == 200

    database.stop()
    try:
        health = wait_for_health(site, 503)
        assert health.status == 503
        assert json.loads(health.body) == {"status": "unavailable", "database": "unreachable"}

        for path in ["/faq/", "/faq/what-is-medication-assisted-psychotherapy/"]:
            page = site.request("GET", path)
            assert page.status == 503, path
            assert "We are briefly unavailable" in page.text
            assert PHONE_LINK in page.text
            assert page.headers["Retry-After"] == "30"
            assert "Traceback" not in page.text

        # Pages that need no database keep working.
        assert site.request("GET", "/").status == 200

        # Staff, whose every request touches their session in the database, get the same page.
        admin = site.request("GET", "/admin/", cookies=staff_cookies)
        assert admin.status == 503
        assert "We are briefly unavailable" in admin.text
    finally:
        database.start()

    assert wait_for_health(site, 200).status == 200
    assert site.request("GET", "/faq/").status == 200
    assert site.request("GET", "/admin/", cookies=staff_cookies).status == 200
    assert "Database unavailable for GET /faq/: OperationalError" in site.access_and_error_log
