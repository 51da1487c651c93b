from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"
    default = True

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .roles import apply_staff_roles

        post_migrate.connect(apply_staff_roles, dispatch_uid="clinic.roles.apply_staff_roles")


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the two-factor admin site."""

    default = False
    default_site = "clinic.admin.ClinicAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from .staff_admin import replace_registrations

        replace_registrations(admin.site)
