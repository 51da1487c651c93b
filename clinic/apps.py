from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"
    default = True

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the two-factor admin site."""

    default = False
    default_site = "clinic.admin.ClinicAdminSite"
