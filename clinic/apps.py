from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic site")
    default = True

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the two-factor admin site."""

    default = False
    default_site = "clinic.admin.ClinicAdminSite"
