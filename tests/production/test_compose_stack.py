"""compose.yaml and the Caddyfile, checked without a container engine: Debian's docker-compose
and the compose-spec schema validate the stack, `caddy validate` the Caddyfile, and a real Caddy
with that Caddyfile serves HTTPS in front of gunicorn run with the web service's environment."""

import http.client
import json
import re
import shutil
import ssl
import subprocess
import sys
import time

import pytest
import yaml

from ..servers import BASE_DIR, Gunicorn, free_port, manage
from .support import csrf_token_in, production_env

for tool in ("docker-compose", "caddy"):
    if shutil.which(tool) is None:
        raise RuntimeError(
            f"{tool} is needed for these tests and is missing: run `make test` (it installs "
            f"Debian's {tool}) or apt-get install {tool}."
        )

TEST_ENV = (
    "POSTGRES_PASSWORD=test-only-password\nSITE_DOMAIN=localhost\nACME_EMAIL=it@clinic.test\n"
)
SITE_SERVICES = ("migrate", "web", "worker", "scheduler")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the files compose.yaml reads, with a .env like the operator's."""
    folder = tmp_path_factory.mktemp("compose")
    for name in ("compose.yaml", "Caddyfile"):
        shutil.copy(BASE_DIR / name, folder / name)
    (folder / ".env").write_text(TEST_ENV)
    return folder


def compose(project, *args):
    return subprocess.run(
        ["docker-compose", "--project-directory", str(project), "-f",
         str(project / "compose.yaml"), *args],
        cwd=project, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def stack(project):
    result = compose(project, "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_matches_the_compose_spec_schema():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(BASE_DIR / "compose.yaml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stack_has_every_service_with_a_health_check(stack):
    services = stack["services"]
    assert set(services) == {"db", "caddy", *SITE_SERVICES}
    for name, service in services.items():
        if name == "migrate":
            # `disable: true`, as docker-compose normalises it.
            assert service["healthcheck"] == {"test": ["NONE"]}
            assert service["restart"] == "no"
        else:
            assert service["healthcheck"]["test"][0] == "CMD", name
    assert services["web"]["healthcheck"]["test"][1:] == ["python", "-m", "clinic.healthcheck"]
    assert services["worker"]["healthcheck"]["test"][1:] == [
        "python", "manage.py", "worker_health",
    ]  # fmt: skip
    assert services["scheduler"]["healthcheck"]["test"][1:] == [
        "python", "manage.py", "run_schedule", "--check-alive",
    ]  # fmt: skip
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker", "--no-reload"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_schedule"]


def test_only_caddy_is_published_and_the_site_waits_for_the_database(stack):
    services = stack["services"]
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert list(published) == ["caddy"]
    assert {(p["published"], p.get("protocol", "tcp")) for p in published["caddy"]} == {
        (80, "tcp"), (443, "tcp"), (443, "udp"),
    }  # fmt: skip
    assert services["web"]["expose"] == ["8000"]
    for name in SITE_SERVICES:
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["caddy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert stack["volumes"].keys() >= {"db-data", "backups"}
    assert "db-data:/var/lib/postgresql/data:rw" in services["db"]["volumes"]


def test_one_trusted_proxy_on_the_sites_own_network(stack):
    subnet = stack["networks"]["site"]["ipam"]["config"][0]["subnet"]
    for name in SITE_SERVICES:
        environment = stack["services"][name]["environment"]
        assert environment["FORWARDED_ALLOW_IPS"] == subnet
        assert environment["TRUSTED_PROXY_COUNT"] == "1"
        assert environment["DATABASE_URL"] == (
            "postgres://clinic:test-only-password@db:5432/clinic"
        )
        assert environment["ALLOWED_HOSTS"] == "localhost"


def test_secrets_come_only_from_the_environment(project):
    text = (BASE_DIR / "compose.yaml").read_text()
    for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SENTRY_DSN", "EMAIL_URL"):
        assert secret not in text
    assert re.findall(r"POSTGRES_PASSWORD[^\n]*", text) == [
        "POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@db:5432/clinic",
        "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}",
    ]
    (project / ".env").write_text("SITE_DOMAIN=localhost\nACME_EMAIL=it@clinic.test\n")
    try:
        missing = compose(project, "config", "--quiet")
    finally:
        (project / ".env").write_text(TEST_ENV)
    assert missing.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in missing.stderr


def test_the_image_has_the_database_servers_pg_dump(stack):
    """The image's PostgreSQL client is the database service's major version."""
    server_major = re.fullmatch(r"postgres:(\d+)", stack["services"]["db"]["image"]).group(1)
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert re.findall(r"postgresql-client-(\d+)", dockerfile) == [server_major]


def caddy_env(tmp, **extra):
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "SITE_DOMAIN": "clinic.example.org",
        "ACME_EMAIL": "it@clinic.test",
        **extra,
    }


def test_caddyfile_is_valid_and_formatted(tmp_path):
    caddyfile = str(BASE_DIR / "Caddyfile")
    result = subprocess.run(
        ["caddy", "validate", "--config", caddyfile, "--adapter", "caddyfile"],
        env=caddy_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
    formatted = subprocess.run(
        ["caddy", "fmt", caddyfile], capture_output=True, text=True, timeout=60
    )  # fmt: skip
    assert formatted.stdout == (BASE_DIR / "Caddyfile").read_text()


def test_caddy_keeps_no_access_log_and_proxies_to_the_web_service(tmp_path):
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", str(BASE_DIR / "Caddyfile"), "--adapter", "caddyfile"],
        env=caddy_env(tmp_path), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    config = json.loads(adapted.stdout)
    assert "logging" not in config
    servers = config["apps"]["http"]["servers"]
    assert all("logs" not in server for server in servers.values())
    text = json.dumps(servers)
    assert '"dial": "web:8000"' in text
    assert '"X-Request-Id": ["{http.request.uuid}"]' in text


# --- a real Caddy with the Caddyfile, in front of gunicorn with the web service's environment ---


@pytest.fixture(scope="module")
def behind_caddy(stack, production_site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("caddy")
    web = stack["services"]["web"]["environment"]
    env = {
        **production_site.env,
        **{k: str(v) for k, v in web.items() if k not in ("DATABASE_URL", "BACKUP_DIR")},
        # Here Caddy reaches gunicorn over loopback, the stand-in for the compose network.
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    server = Gunicorn(env, tmp / "gunicorn").start(wait_for_health=False)
    ports = {"CADDY_HTTPS_PORT": str(free_port()), "CADDY_HTTP_PORT": str(free_port())}
    environment = caddy_env(
        tmp, SITE_DOMAIN="localhost", CLINIC_UPSTREAM=f"127.0.0.1:{server.port}",
        CADDY_ADMIN=f"127.0.0.1:{free_port()}", **ports,
    )  # fmt: skip
    log = open(tmp / "caddy.log", "wb")  # noqa: SIM115 (closed below)
    caddy = subprocess.Popen(
        ["caddy", "run", "--config", str(BASE_DIR / "Caddyfile"), "--adapter", "caddyfile"],
        env=environment, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    root = tmp / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    proxy = CaddyClient(int(ports["CADDY_HTTPS_PORT"]), int(ports["CADDY_HTTP_PORT"]), root)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert caddy.poll() is None, (tmp / "caddy.log").read_text()
            try:
                proxy.request("GET", "/healthz/")
                break
            except (OSError, ssl.SSLError):
                time.sleep(0.3)
        else:
            raise RuntimeError("Caddy did not answer:\n" + (tmp / "caddy.log").read_text())
        yield proxy, server
    finally:
        caddy.terminate()
        caddy.wait(timeout=20)
        log.close()
        server.stop()


class CaddyClient:
    """Requests to Caddy from 127.0.0.2, a client address distinct from Caddy's own."""

    def __init__(self, https_port, http_port, root_certificate):
        self.https_port, self.http_port, self.root = https_port, http_port, root_certificate

    def request(self, method, path, *, body=None, headers=None, secure=True):
        headers = dict(headers or {})
        if secure:
            context = ssl.create_default_context(cafile=str(self.root))
            connection = http.client.HTTPSConnection(
                "localhost", self.https_port, context=context, timeout=20,
                source_address=("127.0.0.2", 0),
            )  # fmt: skip
        else:
            connection = http.client.HTTPConnection(
                "localhost", self.http_port, timeout=20, source_address=("127.0.0.2", 0)
            )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()


def test_https_through_caddy_without_a_redirect_loop(behind_caddy):
    proxy, _ = behind_caddy
    status, headers, body = proxy.request("GET", "/faq/")
    assert status == 200
    assert "(952) 260-3550" in body
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Server" not in headers

    status, headers, _ = proxy.request("GET", "/faq/", secure=False)
    assert status in (301, 308)
    # Caddy names no port in the redirect: in production HTTPS is on 443.
    assert headers["Location"] in (
        "https://localhost/faq/",
        f"https://localhost:{proxy.https_port}/faq/",
    )


def test_the_site_sees_the_clients_address_not_one_it_claims(behind_caddy):
    proxy, server = behind_caddy
    status, headers, body = proxy.request("GET", f"/{server.env['ADMIN_URL']}login/")
    assert status == 200
    cookies = "; ".join(
        part.split(";")[0] for part in headers.get_all("Set-Cookie") if "csrftoken" in part
    )
    form = (
        f"csrfmiddlewaretoken={csrf_token_in(body)}&username=caddy-probe"
        "&password=wrong-password-for-probe&otp_token=123456"
    )
    status, _, _ = proxy.request(
        "POST", f"/{server.env['ADMIN_URL']}login/", body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
            "Origin": f"https://localhost:{proxy.https_port}",
            "Referer": f"https://localhost:{proxy.https_port}/{server.env['ADMIN_URL']}login/",
            "X-Forwarded-For": "198.51.100.7",
        },
    )  # fmt: skip
    assert status == 200  # the login page again, with its error
    seen = manage(
        server.env, "shell", "--no-imports", "-c",
        "from axes.models import AccessAttempt\n"
        "print(sorted(AccessAttempt.objects.filter(username='caddy-probe')"
        ".values_list('ip_address', flat=True)))",
    ).stdout.strip()  # fmt: skip
    assert seen == "['127.0.0.2']"


def test_caddy_gives_each_request_an_id_the_client_cannot_choose(behind_caddy):
    proxy, _ = behind_caddy
    _, headers, _ = proxy.request("GET", "/", headers={"X-Request-ID": "client-chosen-0123456789"})
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["X-Request-ID"])


# --- the commands the site's services run, run here as compose runs them ---


def service_process_env(stack, name, workdir):
    """The service's environment from compose, pointed at a local database and folders."""
    environment = stack["services"][name]["environment"]
    return production_env(
        workdir,
        f"sqlite:///{workdir / 'db.sqlite3'}",
        **{
            **{k: str(v) for k, v in environment.items() if k != "DATABASE_URL"},
            "BACKUP_DIR": str(workdir / "backups"),
            "TMPDIR": str(workdir),
        },
    )


def as_run_here(command):
    """A compose command or health check: `python` is this test run's Python."""
    command = command[1:] if command[0] == "CMD" else command
    return [sys.executable if word == "python" else word for word in command]


def wait_until_healthy(stack, name, env, process):
    check = as_run_here(stack["services"][name]["healthcheck"]["test"])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{name} exited"
        if (
            subprocess.run(check, cwd=BASE_DIR, env=env, capture_output=True, timeout=60).returncode
            == 0
        ):
            return
        time.sleep(0.5)
    raise AssertionError(f"{name} did not become healthy")


def test_worker_and_scheduler_run_and_pass_their_health_checks(stack, tmp_path):
    env = service_process_env(stack, "worker", tmp_path)
    migrate = subprocess.run(
        as_run_here(stack["services"]["migrate"]["command"]),
        cwd=BASE_DIR, env=service_process_env(stack, "migrate", tmp_path),
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    processes = {}
    try:
        for name in ("worker", "scheduler"):
            processes[name] = subprocess.Popen(
                as_run_here(stack["services"][name]["command"]),
                cwd=BASE_DIR, env=service_process_env(stack, name, tmp_path),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        wait_until_healthy(stack, "scheduler", env, processes["scheduler"])
        # The worker's check queues a heartbeat task; the running worker must run it.
        wait_until_healthy(stack, "worker", env, processes["worker"])
        ran = "0"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ran == "0":
            ran = manage(
                env, "shell", "--no-imports", "-c",
                "from django_tasks_db.models import DBTaskResult\n"
                "print(DBTaskResult.objects.filter(task_path='clinic.tasks.heartbeat', "
                "status='SUCCESSFUL').count())",
            ).stdout.strip()  # fmt: skip
            time.sleep(0.5)
        assert ran != "0"
        wait_until_healthy(stack, "worker", env, processes["worker"])
        assert list((tmp_path / "backups").glob("clinic-*.sqlite3"))
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=30)
