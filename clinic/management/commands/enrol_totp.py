import io
from base64 import b32encode

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Set up an authenticator app (TOTP) for a staff member: prints a QR code to scan, and the "
        "key to type in by hand. The admin asks for the app's 6-digit code at every sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the staff member's current authenticator app first (a lost phone).",
        )
        parser.add_argument(
            "--no-qr", action="store_true", help="Print only the key and the otpauth:// address."
        )

    def handle(self, *args, username, replace, no_qr, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user named {username!r}.") from None

        with transaction.atomic():
            existing = TOTPDevice.objects.filter(user=user)
            if existing.exists() and not replace:
                raise CommandError(
                    f"{username} already has an authenticator app. To set up a new one and stop "
                    "the old one working, run again with --replace."
                )
            removed, _ = existing.delete()
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

        if removed:
            self.stdout.write(f"Removed {username}'s previous authenticator app.")
        if not no_qr:
            code = qrcode.QRCode(border=2)
            code.add_data(device.config_url)
            drawing = io.StringIO()
            code.print_ascii(out=drawing, invert=True)
            self.stdout.write(drawing.getvalue())
        self.stdout.write(
            "Scan the QR code with an authenticator app (for example Google Authenticator, "
            "Microsoft Authenticator or 1Password), or type in this key:\n"
            f"  {b32encode(device.bin_key).decode()}\n"
            f"otpauth address: {device.config_url}"
        )
        if not user.is_staff:
            self.stdout.write(
                self.style.WARNING(f"{username} is not marked as staff and cannot open the admin.")
            )
        self.stdout.write(self.style.SUCCESS(f"Authenticator app set up for {username}."))
