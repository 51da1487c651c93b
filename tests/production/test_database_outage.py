"""A database outage, for real: a private PostgreSQL server is stopped under a running site."""

import json
import time

import psycopg2
import pytest

from faq.models import RECENT_VERSION_SECONDS

from ..servers import Gunicorn, manage
from ..typed_form import PERSONAL_FRAGMENTS, TYPED, assert_form_holds
from .private_postgres import PrivatePostgres
from .support import (
    ADMIN_URL,
    PUBLIC_HOST,
    create_staff_member,
    csrf_token_in,
    production_env,
    sign_in_as_staff,
)

PHONE_LINK = 'href="tel:+19522603550"'
ADMIN = f"/{ADMIN_URL}"


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
    server = Gunicorn(env, workdir / "logs", host=PUBLIC_HOST).start()
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
    assert site.request("GET", ADMIN, cookies=staff_cookies).status == 200
    assert site.request("GET", "/faq/").status == 200

    database.stop()
    try:
        health = wait_for_health(site, 503)
        assert health.status == 503
        assert json.loads(health.body) == {"status": "unavailable", "database": "unreachable"}
        # A process serves cached FAQ pages for up to RECENT_VERSION_SECONDS before it asks the
        # database again; past that, FAQ pages need the database.
        time.sleep(RECENT_VERSION_SECONDS + 0.5)

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
        admin = site.request("GET", ADMIN, cookies=staff_cookies)
        assert admin.status == 503
        assert "We are briefly unavailable" in admin.text
    finally:
        database.start()

    assert wait_for_health(site, 200).status == 200
    assert site.request("GET", "/faq/").status == 200
    assert site.request("GET", ADMIN, cookies=staff_cookies).status == 200
    assert "Database unavailable for GET /faq/: OperationalError" in site.access_and_error_log


def stored_requests(database):
    with psycopg2.connect(database.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT name FROM consultations_consultationrequest")
        return [row[0] for row in cursor.fetchall()]


def test_form_sent_during_an_outage_comes_back_filled_in(site, database):
    """The patient gets HTTP 503, their form with everything typed, and the phone number; once the
    database is back, sending the same form stores exactly one request."""
    patient = {}
    form_page = site.request("GET", "/consultation/", cookies=patient)
    assert form_page.status == 200
    posted = {**TYPED, "csrfmiddlewaretoken": csrf_token_in(form_page.text)}

    database.stop()
    try:
        wait_for_health(site, 503)
        reply = site.request("POST", "/consultation/", form=posted, cookies=patient)
        assert reply.status == 503
        assert "Everything you typed is still below" in reply.text
        assert "call us at (952) 260-3550" in reply.text
        assert PHONE_LINK in reply.text
        assert_form_holds(reply.text)
        assert "no-store" in reply.headers["Cache-Control"]
        # The form can still be opened while the database is away.
        assert site.request("GET", "/consultation/", cookies=patient).status == 200
    finally:
        database.start()

    wait_for_health(site, 200)
    posted["csrfmiddlewaretoken"] = csrf_token_in(reply.text)
    sent = site.request("POST", "/consultation/", form=posted, cookies=patient)
    assert sent.status == 302
    assert sent.headers["Location"].startswith("/consultation/thanks/?by=")
    assert stored_requests(database) == [TYPED["name"]]

    log = site.access_and_error_log
    assert "Database unavailable for POST /consultation/" in log
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in log
