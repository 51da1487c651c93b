"""Run the site as the container image does: production settings, collectstatic, gunicorn.

No Docker engine runs on the test machines, so the tests do the image's steps themselves, with
the same gunicorn.conf.py, on a free loopback port (tests/servers.py).
"""

import os
import re
import secrets
from base64 import b32decode

from cryptography.fernet import Fernet
from django_otp.oath import totp

from ..servers import BASE_DIR, manage

PUBLIC_HOST = "clinic.example.org"
ADMIN_URL = "staff-area-7c1e/"


def production_env(workdir, database_url, **extra):
    """The production environment documented in docs/operations.md, pointed at local resources."""
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
