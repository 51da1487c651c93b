from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms import TextInput
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code from the staff member's authenticator app, in one step."""

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _(
            "That code did not match. Enter the code your authenticator app shows now."
        ),
        "device_required": _(
            "This account has no authenticator app set up yet, so it cannot sign in. "
            "Ask an administrator to set one up (manage.py enrol_totp)."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is built, so it is never
        # checked; an overlong name would reach the lockout records and fail to be stored.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        token = self.fields["otp_token"]
        token.label = _("Code from your authenticator app")
        token.widget = TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        )

    def _chosen_device(self, user):
        """The device picked in the form, or else the staff member's authenticator app."""
        device = super()._chosen_device(user)
        if device is None:
            device = next(
                (
                    candidate
                    for candidate in devices_for_user(user, confirmed=True, for_verify=True)
                    if isinstance(candidate, TOTPDevice)
                ),
                None,
            )
        return device

    def _verify_token(self, user, token, device=None):
        try:
            return super()._verify_token(user, token, device)
        except ValidationError as error:
            if error.code != "device_required":
                # A refused code (wrong, or tried while the device is throttled) counts towards
                # the lockout just like a wrong password.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
            raise


class ClinicAdminSite(OTPAdminSite):
    """The staff admin: only users verified by their authenticator app get in."""

    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"
    site_header = format_lazy(_("{clinic} — staff"), clinic=settings.CLINIC["name"])
    site_title = _("Clinic staff")
    index_title = _("Clinic administration")
    # The work lists are wide (calls, outcomes); staff get the whole width for them.
    enable_nav_sidebar = False
