from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation requests")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .business_days import forget_recent_closure_days

        closure_day = self.get_model("ClosureDay")
        post_save.connect(forget_recent_closure_days, sender=closure_day)
        post_delete.connect(forget_recent_closure_days, sender=closure_day)
