"""Staff sign-in: the enrolment window for an authenticator app, and one-time backup codes.

An administrator never sees a staff member's authenticator key: creating or resetting an
account opens a window (STAFF_ENROLMENT_HOURS) in which the staff member signs in with the
password alone, scans the QR code and confirms a code. Outside the window a password alone
never gets in.
"""

from base64 import b32encode
from datetime import timedelta

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"


def open_enrolment(*, user):
    """Retire the user's authenticator app and backup codes; open a new enrolment window."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def enrolment_device(*, user):
    """The authenticator waiting to be confirmed in an open window, or None."""
    if user is None or not user.pk:
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None
    opened_after = timezone.now() - timedelta(hours=settings.STAFF_ENROLMENT_HOURS)
    return (
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__gte=opened_after)
        .order_by("-created_at")
        .first()
    )


def enrolment_expired(*, user):
    """An authenticator was waiting to be set up, and its window has closed."""
    return (
        not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and TOTPDevice.objects.filter(user=user, confirmed=False).exists()
        and enrolment_device(user=user) is None
    )


def enrolment_closes_at(device):
    return device.created_at + timedelta(hours=settings.STAFF_ENROLMENT_HOURS)


def authenticator_qr_svg(device):
    """The device's otpauth:// address as an inline SVG QR code (the CSP forbids data: URLs)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


def authenticator_key(device):
    """The key in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class TooManyAttempts(Exception):
    """Wrong codes in quick succession: the device refuses codes for a few seconds."""


def confirm_enrolment(*, device, token):
    """Confirm the device with a code from the app; True when the code was right."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise TooManyAttempts
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def new_backup_code():
    while True:
        code = StaticToken.random_token()
        if not code.isdigit():  # a code of digits only would be taken for an app's code
            return code


def issue_backup_codes(*, user):
    """Replace the user's backup codes with new ones; returns them (shown once, never stored
    anywhere else)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": BACKUP_CODES_NAME, "confirmed": True}
        )
        device.token_set.all().delete()
        codes = [new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(*, user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_code_device(*, user):
    return StaticDevice.objects.filter(user=user, confirmed=True).first()
