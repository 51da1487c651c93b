"""Staff sign-in: two factors, lockout after repeated failures, idle timeout, strong passwords."""

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import clinic.urls
from clinic.sessions import SessionStore

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
ADMIN = f"/{settings.ADMIN_URL}"
LOGIN = f"{ADMIN}login/"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "intake", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def device(staff_user):
    return TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, password=PASSWORD, code=""):
    return client.post(
        LOGIN, {"username": "intake", "password": password, "otp_token": code, "next": ADMIN}
    )


def test_admin_lives_at_admin_url(client, settings, monkeypatch):
    """The admin is mounted where ADMIN_URL says, and the usual /admin/ is not found."""
    settings.ADMIN_URL = "staff-area-test/"
    # The site's URLs built afresh under the new setting, as a server started with it builds them.
    spec = importlib.util.spec_from_file_location(
        "clinic.urls_with_changed_admin_url", Path(clinic.urls.__file__)
    )
    urls = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(urls)
    monkeypatch.setitem(sys.modules, spec.name, urls)
    settings.ROOT_URLCONF = spec.name

    response = client.get("/staff-area-test/")
    assert response.status_code == 302
    assert response["Location"] == "/staff-area-test/login/?next=/staff-area-test/"
    assert client.get("/staff-area-test/login/").status_code == 200
    assert client.get("/admin/").status_code == 404


def test_password_and_code_open_the_admin(client, device):
    """The right password with the current code from the app signs in and opens the admin."""
    response = sign_in(client, code=current_code(device))
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_authenticator_code_fixture_signs_in(client, staff_user, authenticator_code):
    """The shared fixture gives a code the login page accepts."""
    response = sign_in(client, code=authenticator_code(staff_user))
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_password_alone_does_not_get_in(client, device):
    """Without the code the login form comes back asking for it, and the admin stays shut."""
    response = sign_in(client)
    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app." in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_wrong_code_does_not_get_in(client, device):
    """A code that is not the app's current one is refused."""
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = sign_in(client, code=wrong)
    assert "That code did not match." in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_account_without_authenticator_cannot_sign_in(client, staff_user):
    """A staff member with no app set up is told so and kept out."""
    response = sign_in(client, code="123456")
    assert "has no authenticator app set up, so it cannot sign in" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_password_only_session_is_not_enough(client, staff_user):
    """A session signed in without the second factor does not open the admin."""
    client.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_login_page_asks_for_the_code(client):
    """The sign-in page has username, password and authenticator code fields."""
    html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html
    assert "Code from your authenticator app" in html


def test_repeated_failures_lock_the_account_out_with_a_clear_page(client, device):
    """After LOGIN_FAILURE_LIMIT wrong passwords even the right password and code are refused."""
    statuses = [
        sign_in(client, password="wrong password guess").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = sign_in(client, code=current_code(device))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused" in html
    assert f"paused for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html
    assert client.get(ADMIN).status_code == 302


def test_lockout_is_per_account_and_address(client, device):
    """Failures from one address do not lock the same account out from another address."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, password="wrong password guess")
    elsewhere = client.__class__(REMOTE_ADDR="192.0.2.10")
    assert sign_in(elsewhere, code=current_code(device)).status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, device):
    """Guessing the code with the right password locks out just like guessing the password."""
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, code=wrong)
    assert AccessAttempt.objects.get(username="intake").failures_since_start >= 5
    assert sign_in(client, code=current_code(device)).status_code == 429


def test_idle_staff_session_ends_after_the_timeout(staff_client_for, staff_user):
    """Each request renews the session for 30 minutes; once that passes idle, admin asks again."""
    assert settings.STAFF_SESSION_IDLE_TIMEOUT == 30 * 60
    client = staff_client_for(staff_user)
    assert client.get(ADMIN).status_code == 200
    session = Session.objects.get()
    expected = timezone.now() + timedelta(minutes=30)
    assert abs(session.expire_date - expected) < timedelta(seconds=30)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_session_is_not_written_again_within_a_minute(staff_client_for, staff_user):
    """Page views in the same minute leave the stored session alone: its expiry is that fresh."""
    client = staff_client_for(staff_user)
    assert client.get(ADMIN).status_code == 200
    renewed = timezone.now() + timedelta(minutes=30) - timedelta(seconds=20)
    Session.objects.update(expire_date=renewed)
    assert client.get(ADMIN).status_code == 200
    assert Session.objects.get().expire_date == renewed


def test_active_staff_session_is_renewed_after_a_minute(staff_client_for, staff_user):
    """A request 29 minutes into the idle time still signs nobody out and renews the 30 minutes."""
    client = staff_client_for(staff_user)
    assert client.get(ADMIN).status_code == 200
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(ADMIN).status_code == 200
    expected = timezone.now() + timedelta(minutes=30)
    assert abs(Session.objects.get().expire_date - expected) < timedelta(seconds=30)
    assert client.get(ADMIN).status_code == 200


def test_changed_session_is_written_at_once(staff_client_for, staff_user):
    """A change to the session's data is stored on that request, however fresh its expiry."""
    client = staff_client_for(staff_user)
    assert client.get(ADMIN).status_code == 200
    session = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    session["seen"] = "yes"
    session.save()
    assert SessionStore(session.session_key)["seen"] == "yes"
    assert client.post(f"{ADMIN}logout/").status_code == 200
    assert not Session.objects.exists()
    assert client.get(ADMIN).status_code == 302


def test_session_cookie_ends_with_the_browser(staff_client_for, staff_user):
    """The staff session cookie is not kept on disk after the browser closes."""
    client = staff_client_for(staff_user)
    response = client.get(ADMIN)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


@pytest.mark.parametrize(
    ("password", "reason"),
    [("Sh0rt!pass", "too short"), ("password1234", "too common"), ("739218465017", "entirely")],
)
def test_weak_passwords_are_refused(password, reason):
    """Passwords need 12 characters and must not be common or all digits."""
    with pytest.raises(ValidationError, match=reason):
        validate_password(password)


def test_enrol_totp_prints_a_qr_code_and_key(staff_user, capsys):
    """`manage.py enrol_totp` sets up a confirmed device and prints what the app needs."""
    call_command("enrol_totp", "intake")
    output = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed
    assert "otpauth://totp/" in output and "secret=" in output
    assert "█" in output or "▀" in output
    assert "Authenticator app set up for intake." in output


def test_enrol_totp_replaces_only_when_asked(staff_user, device):
    """A second enrolment needs --replace, which retires the old device."""
    with pytest.raises(CommandError, match="already has an authenticator app"):
        call_command("enrol_totp", "intake", "--no-qr")
    call_command("enrol_totp", "intake", "--replace", "--no-qr")
    remaining = TOTPDevice.objects.get(user=staff_user)
    assert remaining.pk != device.pk


def test_enrol_totp_unknown_user():
    """Naming a user who does not exist is a clear error."""
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("enrol_totp", "nobody")


def test_admin_client_fixture_is_verified(admin_client):
    """The shared admin_client fixture passes the two-factor admin."""
    assert admin_client.get(ADMIN).status_code == 200


def test_admin_never_shows_a_device_key(admin_client, device):
    """Even a superuser cannot read an authenticator key or its QR code in the admin."""
    from django.urls import reverse

    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html
    assert "otpauth://" not in html
