"""Run the site as the container image does: production settings, collectstatic, gunicorn.

No Docker engine runs on the test machines, so the tests do the image's steps themselves, with
the same gunicorn.conf.py, on a free loopback port.
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from base64 import b32decode
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet
from django_otp.oath import totp

BASE_DIR = Path(__file__).resolve().parent.parent
PUBLIC_HOST = "clinic.example.org"
ADMIN_URL = "staff-area-7c1e/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(workdir, database_url, **extra):
    """The production environment documented in README.md, pointed at local resources."""
    env = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL") if name in os.environ}
    env.update(
        {
            "HOME": str(workdir),
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(workdir / "staticfiles"),
            "ADMIN_URL": ADMIN_URL,
            # The tests play the TLS-terminating proxy, from loopback.
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "2",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SITE_URL": f"https://{PUBLIC_HOST}",
            # Staff emails are sent by the task worker, which these tests do not run.
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "DEFAULT_FROM_EMAIL": f"website@{PUBLIC_HOST}",
            "CONSULTATION_NOTIFY_EMAILS": "intake@clinic.test",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    return env


def dockerfile_build_env():
    """The variables the Dockerfile sets for its collectstatic step, read from the Dockerfile."""
    dockerfile = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    command = step.removeprefix("RUN").split("python manage.py collectstatic")[0]
    return dict(word.split("=", 1) for word in command.split())


def manage(env, *args, timeout=180):
    """Run a management command with the given environment; fail loudly with its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()

    @property
    def cookies(self):
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar


@dataclass
class Gunicorn:
    """gunicorn with gunicorn.conf.py on 127.0.0.1, its output captured in files."""

    env: dict
    log_dir: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def access_and_error_log(self):
        return (self.log_dir / "gunicorn.stdout").read_text() + (
            self.log_dir / "gunicorn.stderr"
        ).read_text()

    def start(self, wait_for_health=True):
        self.port = free_port()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (
            open(self.log_dir / "gunicorn.stdout", "ab") as stdout,
            open(self.log_dir / "gunicorn.stderr", "ab") as stderr,
        ):
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env={**self.env, "PORT": str(self.port)},
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.access_and_error_log}")
            try:
                reply = self.request("GET", "/healthz/", secure=False)
            except OSError:
                time.sleep(0.2)
                continue
            if reply.status == 200 or not wait_for_health:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.access_and_error_log}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def request(
        self, method, path, *, form=None, headers=None, secure=True, host=PUBLIC_HOST, cookies=None
    ):
        """One request; `secure` makes it arrive as the TLS-terminating proxy would send it.

        Pass a dict as `cookies` to play one browser: it is sent, and updated from the reply.
        """
        all_headers = {"Host": host, "Accept-Encoding": "identity"}
        if secure:
            all_headers["X-Forwarded-Proto"] = "https"
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Origin"] = f"https://{host}"
            all_headers["Referer"] = f"https://{host}{path}"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        if cookies is not None:
            cookies.update((name, morsel.value) for name, morsel in reply.cookies.items())
        return reply


def csrf_token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def create_staff_member(env, username, password):
    """A superuser with an authenticator app; returns the app's secret key."""
    email = f"{username}@clinic.test"
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser", "--noinput", "--username", username, "--email", email,
    )  # fmt: skip
    output = manage(env, "enrol_totp", username, "--no-qr").stdout
    return b32decode(re.search(r"type in this key:\s+([A-Z2-7]+)", output).group(1))


def sign_in_as_staff(server, username, password, key):
    """Sign in through the admin's login page with password and code; returns the cookies."""
    cookies = {}
    login = f"/{server.env['ADMIN_URL']}login/"
    page = server.request("GET", login, cookies=cookies)
    form = {
        "csrfmiddlewaretoken": csrf_token_in(page.text),
        "username": username,
        "password": password,
        "otp_token": f"{totp(key):06d}",
    }
    reply = server.request("POST", login, form=form, cookies=cookies)
    assert reply.status == 302, reply.text
    return cookies
