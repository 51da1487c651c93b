"""Staff sign-in without an administrator ever seeing a secret: the enrolment window, backup
codes (once each, counted, re-issued) and the lockout they count towards."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import services

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
LOGIN = reverse("admin:login")
ADMIN = reverse("admin:index")
ENROL = reverse("admin:enrol")
BACKUP_CODES = reverse("admin:backup_codes")


@pytest.fixture
def newcomer(django_user_model):
    return django_user_model.objects.create_user("newcomer", password=PASSWORD, is_staff=True)


@pytest.fixture
def enrolled(newcomer):
    """A staff member with a confirmed authenticator app and a set of backup codes."""
    device = TOTPDevice.objects.create(user=newcomer, name="Phone", confirmed=True)
    return newcomer, device, services.issue_backup_codes(user=newcomer)


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, code="", username="newcomer", password=PASSWORD):
    return client.post(
        LOGIN, {"username": username, "password": password, "otp_token": code, "next": ADMIN}
    )


def failures(username="newcomer"):
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


# --- the enrolment window ---


def test_administrator_creating_an_account_opens_its_window(admin_client, django_user_model):
    reply = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD,
         "usable_password": "true"},
        follow=True,
    )  # fmt: skip
    assert reply.status_code == 200
    user = django_user_model.objects.get(username="newcomer")
    assert services.enrolment_device(user=user) is not None
    page = reply.content.decode()
    assert (
        "Ready to set up an authenticator app: newcomer can sign in with their password alone until"
        in page
    )
    device = TOTPDevice.objects.get(user=user)
    assert device.key not in page and "otpauth://" not in page


def test_password_alone_in_the_window_leads_to_setting_up_the_app(client, newcomer):
    device = services.open_enrolment(user=newcomer)
    reply = sign_in(client)
    assert reply.status_code == 302 and reply["Location"] == ENROL
    # Not in the admin yet: only the enrolment page opens.
    assert client.get(ADMIN).status_code == 302

    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in html
    assert "data:" not in html
    assert services.authenticator_key(device) in html
    assert "no-store" in page["Cache-Control"]

    done = client.post(ENROL, {"otp_token": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200
    # The window is closed: the enrolment page now sends a signed-in member to the admin.
    assert client.get(ENROL)["Location"] == ADMIN


def test_wrong_codes_in_the_window_are_refused_and_count_towards_the_lockout(client, newcomer):
    services.open_enrolment(user=newcomer)
    sign_in(client)
    reply = client.post(ENROL, {"otp_token": "000000"})
    assert reply.status_code == 200
    assert "That code did not match" in reply.content.decode()
    assert failures() == 1
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        reply = client.post(ENROL, {"otp_token": "000000"})
    assert reply.status_code == 429
    # Locked out and signed out: the page sends them to sign in again, where they are refused.
    assert client.get(ENROL)["Location"] == LOGIN
    assert not TOTPDevice.objects.get(user=newcomer).confirmed


def test_outside_the_window_a_password_alone_never_gets_in(client, newcomer):
    device = services.open_enrolment(user=newcomer)
    TOTPDevice.objects.filter(pk=device.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.STAFF_ENROLMENT_HOURS, minutes=1)
    )
    reply = sign_in(client)
    assert reply.status_code == 200
    assert "The time to set up your authenticator app has passed." in reply.content.decode()
    assert client.get(ENROL)["Location"] == LOGIN
    assert client.get(ADMIN).status_code == 302


def test_an_enrolled_member_needs_the_code_as_before(client, enrolled):
    _, device, _ = enrolled
    assert sign_in(client).status_code == 200
    assert sign_in(client, code_for(device))["Location"] == ADMIN


def test_reset_retires_the_app_and_codes_and_opens_a_window(admin_client, client, enrolled):
    user, device, codes = enrolled
    reply = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_sign_in", "_selected_action": [user.pk]},
        follow=True,
    )
    assert (
        "Ready to set up an authenticator app: newcomer can sign in with their password alone until"
        in reply.content.decode()
    )
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert services.backup_codes_left(user=user) == 0
    assert sign_in(client, codes[0]).status_code == 302  # into the window: password suffices
    assert client.get(ADMIN).status_code == 302


def test_the_add_authenticator_page_is_gone(admin_client):
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    assert admin_client.get(reverse("admin:otp_static_staticdevice_add")).status_code == 403


def test_the_admin_never_shows_backup_codes(admin_client, enrolled):
    user, _, codes = enrolled
    device = user.staticdevice_set.get()
    for url in (
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse("admin:otp_static_staticdevice_change", args=[device.pk]),
        reverse("admin:auth_user_change", args=[user.pk]),
    ):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert not any(code in page.content.decode() for code in codes)


# --- backup codes ---


def test_a_backup_code_works_once_and_says_how_many_are_left(client, enrolled):
    _, _, codes = enrolled
    reply = sign_in(client, codes[0])
    assert reply.status_code == 302 and reply["Location"] == ADMIN
    page = client.get(ADMIN).content.decode()
    assert "You signed in with a backup code" in page
    assert "Backup codes left: 9." in page

    client.logout()
    again = sign_in(client, codes[0])
    assert again.status_code == 200
    assert "That code did not match" in again.content.decode()


def test_wrong_backup_codes_count_towards_the_lockout(client, enrolled):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        reply = sign_in(client, f"wrongcd{attempt}")
    assert reply.status_code == 429
    assert failures() == settings.AXES_FAILURE_LIMIT
    _, _, codes = enrolled
    assert sign_in(client, codes[1]).status_code == 429


def test_staff_member_makes_new_codes_and_the_old_ones_stop(client, enrolled):
    _, device, old = enrolled
    sign_in(client, code_for(device))
    page = client.get(BACKUP_CODES)
    assert "You have 10 unused backup codes." in page.content.decode()
    reply = client.post(BACKUP_CODES)
    new = reply.context["codes"]
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    client.logout()
    assert sign_in(client, new[0]).status_code == 302
    client.logout()
    assert sign_in(client, old[2]).status_code == 200


def test_administrator_makes_new_codes_to_hand_over(admin_client, enrolled, client):
    user, _, old = enrolled
    reply = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "make_backup_codes", "_selected_action": [user.pk]},
    )
    assert reply.status_code == 200
    (issued_user, new), *_ = reply.context["issued"]
    assert issued_user == user and all(code in reply.content.decode() for code in new)
    assert sign_in(client, new[0]).status_code == 302
    client.logout()
    assert sign_in(client, old[0]).status_code == 200
