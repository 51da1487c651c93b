"""Staff accounts in the admin: creating or resetting one opens its enrolment window; nobody
adds an authenticator app by hand or reads a key or a backup code here. The staff profile (public
name, credentials) is edited on the same page."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import StaffProfile

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    """The public name and credentials shown under the answers a clinical reviewer reviewed."""

    model = StaffProfile
    can_delete = False
    verbose_name_plural = _("public name and credentials")
    fields = ["public_name", "credentials"]


class ClinicUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
    actions = ["reset_sign_in", "make_backup_codes"]

    def get_inlines(self, request, obj):
        # The add page asks only for the username and password, as Django's own does.
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._open_window(request, [obj])

    def _open_window(self, request, users):
        for user in users:
            device = services.open_enrolment(user=user)
        closes = date_format(localtime(services.enrolment_closes_at(device)), "DATETIME_FORMAT")
        self.message_user(
            request,
            ngettext(
                "Ready to set up an authenticator app: %(names)s can sign in with their "
                "password alone until %(closes)s to do it. Tell them so; an old app and "
                "old backup codes no longer work.",
                "Ready to set up authenticator apps: %(names)s can sign in with their "
                "passwords alone until %(closes)s to do it. Tell them so; old apps and "
                "old backup codes no longer work.",
                len(users),
            )
            % {"names": ", ".join(u.get_username() for u in users), "closes": closes},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reset sign-in: set up a new authenticator app (lost or new phone)"),
        permissions=["change"],
    )
    def reset_sign_in(self, request, queryset):
        self._open_window(request, list(queryset))

    @admin.action(
        description=_("Make new backup codes (shown once, to hand to the staff member)"),
        permissions=["change"],
    )
    def make_backup_codes(self, request, queryset):
        issued = [(user, services.issue_backup_codes(user=user)) for user in queryset]
        return TemplateResponse(
            request,
            "admin/backup_codes_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("New backup codes"),
                "issued": issued,
                "opts": self.model._meta,
            },
        )


class AuthenticatorAdmin(totp_admin.TOTPDeviceAdmin):
    """A list of who has an authenticator app; added only through the enrolment window."""

    def has_add_permission(self, request):
        return False


class BackupCodesAdmin(admin.ModelAdmin):
    """Who has backup codes and how many are left; the codes themselves are never shown."""

    list_display = ["user", "codes_left"]
    fields = ["user", "codes_left"]
    readonly_fields = fields

    @admin.display(description=_("codes left"))
    def codes_left(self, device):
        return device.token_set.count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def replace_registrations(site):
    """Called once every app's admin is registered (clinic.apps.ClinicAdminConfig)."""
    for model, model_admin in (
        (User, ClinicUserAdmin),
        (TOTPDevice, AuthenticatorAdmin),
        (StaticDevice, BackupCodesAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
