"""What the container image does, done here: collectstatic, check --deploy, gunicorn, requests."""

import json
import re
import subprocess
import sys

import pytest

from ..servers import BASE_DIR, free_port, manage
from .support import ADMIN_URL, PUBLIC_HOST


@pytest.fixture
def site(production_site):
    return production_site


def test_collectstatic_builds_hashed_compressed_files(site):
    """The build writes a manifest, hashed file names and pre-compressed copies."""
    static_root = BASE_DIR.joinpath(site.env["STATIC_ROOT"])
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed_css)
    assert (static_root / f"{hashed_css}.gz").is_file()


def test_deploy_check_reports_nothing(site):
    """`manage.py check --deploy` with the documented production environment finds no issue."""
    result = manage(site.env, "check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues (0 silenced)." in result.stdout + result.stderr


def test_health_check_answers_over_plain_http(site):
    """/healthz/ answers JSON 200 without HTTPS, as a load balancer or HEALTHCHECK asks it."""
    reply = site.request("GET", "/healthz/", secure=False)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert json.loads(reply.body) == {"status": "ok", "database": "ok"}
    assert "no-store" in reply.headers["Cache-Control"]


def test_container_healthcheck_command(site):
    """The image's HEALTHCHECK command exits 0 against the running server, 1 when none runs."""
    command = [sys.executable, "-m", "clinic.healthcheck"]
    healthy = subprocess.run(
        command, cwd=BASE_DIR, env={**site.env, "PORT": str(site.port)}, timeout=30
    )
    assert healthy.returncode == 0
    nobody = subprocess.run(
        command,
        cwd=BASE_DIR,
        env={**site.env, "PORT": str(free_port())},
        capture_output=True,
        timeout=30,
    )
    assert nobody.returncode == 1


def test_plain_http_is_redirected_to_https(site):
    """Production defaults redirect every page but /healthz/ to HTTPS."""
    reply = site.request("GET", "/faq/", secure=False)
    assert reply.status == 301
    assert reply.headers["Location"] == f"https://{PUBLIC_HOST}/faq/"


def test_page_through_gunicorn_with_security_headers(site):
    """A page served through gunicorn carries HSTS, CSP and the other headers."""
    from ..site.test_security_headers import assert_security_headers

    reply = site.request("GET", "/")
    assert reply.status == 200
    assert 'href="tel:+19522603550"' in reply.text
    assert_security_headers(reply.headers)


def test_hashed_static_files_are_cached_for_a_long_time(site):
    """Pages link hashed static names, which WhiteNoise serves compressed and cached for years."""
    page = site.request("GET", "/faq/")
    css_path = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text).group(1)
    reply = site.request("GET", css_path, headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert reply.headers["Content-Type"].startswith("text/css")


def test_unknown_host_is_refused(site):
    """A Host header the site does not serve gets the branded 400 page."""
    reply = site.request("GET", "/", host="attacker.example")
    assert reply.status == 400
    assert "(952) 260-3550" in reply.text


def test_no_control_socket(site):
    """gunicorn runs without its runtime control socket."""
    home = BASE_DIR.joinpath(site.env["HOME"])
    assert not (home / ".gunicorn").exists()
    assert "control" not in site.access_and_error_log.lower()


def test_access_log_leaves_out_query_strings_and_addresses(site):
    """The access log records method, path and status, never search words or client addresses."""
    site.request("GET", "/faq/?q=insomniaword", headers={"Referer": "https://elsewhere.example/"})
    access_lines = [
        line for line in site.access_and_error_log.splitlines() if '"GET /faq/ ' in line
    ]
    assert access_lines
    assert "insomniaword" not in site.access_and_error_log
    assert "elsewhere.example" not in site.access_and_error_log
    assert all("127.0.0.1" not in line for line in access_lines)


def test_admin_lives_only_at_admin_url(site):
    """With ADMIN_URL set, the admin answers there and /admin/ is an ordinary 404."""
    assert site.request("GET", "/admin/").status == 404
    reply = site.request("GET", f"/{ADMIN_URL}")
    assert reply.status == 302
    assert reply.headers["Location"] == f"/{ADMIN_URL}login/?next=/{ADMIN_URL}"


def test_deploy_check_warns_when_the_proxy_is_not_trusted(site):
    """Without FORWARDED_ALLOW_IPS the deployment check says HTTPS redirects would never end."""
    env = {name: value for name, value in site.env.items() if name != "FORWARDED_ALLOW_IPS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "clinic.W001" in result.stderr


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("clinic.example.org,www.clinic.example.org", "clinic.example.org"),
        (".clinic.example.org", "clinic.example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_names_a_host_django_serves(monkeypatch, allowed_hosts, expected):
    """The HEALTHCHECK sends a Host header from ALLOWED_HOSTS, so Django does not refuse it."""
    from clinic.healthcheck import health_host

    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    assert health_host() == expected
