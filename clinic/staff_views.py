"""Staff pages of the admin: setting up an authenticator app in the enrolment window, and
making new backup codes."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

from . import services
from .views import staff_locked_out


class ConfirmCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
        error_messages={"required": _("Enter the 6-digit code your authenticator app shows.")},
    )


def _context(site, request, **extra):
    return {**site.each_context(request), **extra}


@never_cache
@csrf_protect
def enrol(request, site):
    """Password-only sign-in inside the enrolment window lands here: scan, confirm, done."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect("admin:login")
    device = services.enrolment_device(user=user)
    if device is None:
        return redirect("admin:index" if user.is_verified() else "admin:login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return staff_locked_out(request)

    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.confirm_enrolment(
                device=device, token=form.cleaned_data["otp_token"]
            )
        except services.TooManyAttempts:
            confirmed = None
            form.add_error(
                "otp_token",
                _("Several wrong codes in a row: wait a few seconds, then enter the code again."),
            )
        if confirmed:
            otp_login(request, device)
            codes = services.issue_backup_codes(user=user)
            return TemplateResponse(
                request,
                "admin/backup_codes.html",
                _context(site, request, title=_("Your backup codes"), codes=codes, enrolled=True),
            )
        # A refused code, wrong or tried too soon, counts towards the lockout.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return staff_locked_out(request)
        if confirmed is False:
            form.add_error(
                "otp_token",
                _("That code did not match. Enter the code your authenticator app shows now."),
            )
    return TemplateResponse(
        request,
        "admin/enrol.html",
        _context(
            site,
            request,
            title=_("Set up your authenticator app"),
            form=form,
            qr_svg=services.authenticator_qr_svg(device),
            key=services.authenticator_key(device),
            closes_at=services.enrolment_closes_at(device),
        ),
    )


@never_cache
def backup_codes(request, site):
    """How many backup codes are left; a button makes a new set (the old ones stop working)."""
    if request.method == "POST":
        codes = services.issue_backup_codes(user=request.user)
        return TemplateResponse(
            request,
            "admin/backup_codes.html",
            _context(site, request, title=_("Your new backup codes"), codes=codes),
        )
    return TemplateResponse(
        request,
        "admin/backup_codes.html",
        _context(
            site,
            request,
            title=_("Backup codes"),
            left=services.backup_codes_left(user=request.user),
        ),
    )
