"""LOG_FORMAT=json: the site's and gunicorn's logs are one JSON object per line, each request's
lines share a request id, and no line holds what a patient typed."""

import json
import re

import pytest

from tests.typed_form import PERSONAL_FRAGMENTS, TYPED

from ..servers import Gunicorn, manage
from .support import csrf_token_in

CLIENT_ADDRESS = "203.0.113.58"


@pytest.fixture(scope="module")
def json_logged_site(production_site, tmp_path_factory):
    """The production site (its collected static files, a database of its own), logging JSON
    behind one trusted proxy."""
    workdir = tmp_path_factory.mktemp("json-logs")
    env = {
        **production_site.env,
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "LOG_FORMAT": "json",
        "TRUSTED_PROXY_COUNT": "1",
    }
    manage(env, "migrate", "--noinput")
    server = Gunicorn(env, workdir, host=production_site.host).start()
    try:
        yield server
    finally:
        server.stop()


def log_lines(server):
    server.stop()
    return [line for line in server.access_and_error_log.splitlines() if line.strip()]


def test_every_line_is_json_with_request_ids_and_no_personal_data(json_logged_site):
    site = json_logged_site
    proxy = {"X-Forwarded-For": CLIENT_ADDRESS}
    patient = {}
    page = site.request("GET", "/consultation/", cookies=patient, headers=proxy)
    posted = {**TYPED, "csrfmiddlewaretoken": csrf_token_in(page.text)}
    sent = site.request("POST", "/consultation/", form=posted, cookies=patient, headers=proxy)
    assert sent.status == 302
    searched = site.request(
        "GET", "/faq/?q=Siobh%C3%A1n+Marmaduke",
        headers={**proxy, "X-Request-ID": "proxy-given-0123456789"},
    )  # fmt: skip
    assert searched.headers["X-Request-ID"] == "proxy-given-0123456789"
    junk = site.request("GET", "/no-such-page/?q=Marmaduke", headers={"X-Request-ID": "<b>x</b>"})
    assert junk.status == 404
    generated = junk.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)

    lines = log_lines(site)
    records = [json.loads(line) for line in lines]  # every line parses
    assert all({"time", "level", "message"} <= record.keys() for record in records)

    access = [record for record in records if record["message"] == "request"]
    assert {(r["method"], r["path"], r["status"]) for r in access} >= {
        ("GET", "/consultation/", 200),
        ("POST", "/consultation/", 302),
        ("GET", "/faq/", 200),
        ("GET", "/no-such-page/", 404),
    }
    assert all(isinstance(r["duration_ms"], float) and r["request_id"] for r in access)
    assert any(r["request_id"] == "proxy-given-0123456789" for r in access)

    # The application's own line about the missing page carries the same id as its access line.
    not_found = [r for r in records if r["message"].startswith("Not Found: /no-such-page/")]
    assert [r["request_id"] for r in not_found] == [generated]
    assert any(r["message"].startswith("Request #") for r in records)

    everything = "\n".join(lines)
    assert "Marmaduke" not in everything and "?q=" not in everything
    assert CLIENT_ADDRESS not in everything
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in everything, fragment
