from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms import TextInput
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code from the staff member's authenticator app, in one step."""

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _(
            "That code did not match. Enter the code your authenticator app shows now."
        ),
        "device_required": _(
            "This account has no authenticator app set up, so it cannot sign in. Ask an "
            "administrator to reset your sign-in; you then have a day to set up the app."
        ),
        "enrolment_expired": _(
            "The time to set up your authenticator app has passed. Ask an administrator to "
            "reset your sign-in; you then have a day to set it up."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is built, so it is never
        # checked; an overlong name would reach the lockout records and fail to be stored.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        token = self.fields["otp_token"]
        token.label = _("Code from your authenticator app, or a backup code")
        token.widget = TextInput(attrs={"autocomplete": "one-time-code", "maxlength": 8})

    def clean_otp(self, user):
        """A password alone gets in only while the account's enrolment window is open; the
        staff member is then taken to set up the authenticator app."""
        if user is not None and services.enrolment_device(user=user) is not None:
            return
        if user is not None and services.enrolment_expired(user=user):
            raise ValidationError(self.otp_error_messages["enrolment_expired"], "device_required")
        super().clean_otp(user)

    def _chosen_device(self, user):
        """The device picked in the form, or else the staff member's authenticator app, or their
        backup codes when the code is not all digits."""
        device = super()._chosen_device(user)
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if device is None and token and not token.isdigit():
            device = services.backup_code_device(user=user)
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

    index_template = "admin/sections.html"

    # Plain names for the sections a superuser sees in the full list.
    SECTION_NAMES = {
        "auth": _("Staff accounts and roles"),
        "otp_totp": _("Authenticator apps"),
        "otp_static": _("Backup codes"),
        "axes": _("Sign-in lockouts"),
        "django_tasks_database": _("Background jobs (emails to staff)"),
    }
    MODEL_NAMES = {
        ("otp_totp", "totpdevice"): _("Authenticator apps"),
        ("otp_static", "staticdevice"): _("Backup codes"),
        ("axes", "accessattempt"): _("Locked-out and failed sign-ins"),
        ("axes", "accesslog"): _("Sign-in history"),
        ("axes", "accessfailurelog"): _("Failed sign-ins, one by one"),
        ("django_tasks_database", "dbtaskresult"): _("Background jobs"),
    }

    def get_urls(self):
        from . import staff_views

        return [
            path("sections/", self.admin_view(self.sections), name="sections"),
            path("enrol/", staff_views.enrol, {"site": self}, name="enrol"),
            path(
                "backup-codes/",
                self.admin_view(staff_views.backup_codes),
                {"site": self},
                name="backup_codes",
            ),
            *super().get_urls(),
        ]

    def each_context(self, request):
        """Django's context for every admin page, with one change: the list of every section the
        person may open, which only the navigation sidebar (switched off here) shows, is made
        when a template asks for it rather than for every page."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app["name"] = self.SECTION_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                key = (app["app_label"], model["object_name"].lower())
                model["name"] = self.MODEL_NAMES.get(key, model["name"])
        return app_list

    def index(self, request, extra_context=None):
        """The day's numbers for this person, not the list of sections."""
        from .staff_home import tile_groups, todays_booked_calls

        context = {
            **self.each_context(request),
            "title": _("Today"),
            "tile_groups": tile_groups(request),
            "todays_calls": todays_booked_calls(request),
            "can_see_metrics": request.user.has_perm("consultations.view_consultationrequest"),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/staff_home.html", context)

    def sections(self, request):
        """Django's list of every section this person may open."""
        return super().index(request, extra_context={"title": _("All sections")})

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if request.method != "POST" or not request.user.is_authenticated:
            return response
        if services.enrolment_device(user=request.user) is not None:
            return redirect("admin:enrol")
        if isinstance(getattr(request.user, "otp_device", None), StaticDevice):
            left = services.backup_codes_left(user=request.user)
            messages.warning(
                request,
                _(
                    "You signed in with a backup code; it cannot be used again. Backup codes "
                    "left: %(left)d. Make new ones under “Backup codes” at the top of the page."
                )
                % {"left": left},
            )
        return response
