from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation requests")

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .business_days import forget_recent_closure_days
        from .slots import recent_slot_book

        closure_day = self.get_model("ClosureDay")
        post_save.connect(forget_recent_closure_days, sender=closure_day)
        post_delete.connect(forget_recent_closure_days, sender=closure_day)
        # What the free call times are worked out from.
        for name in ("ConsultationRequest", "BlockedTime", "CallCapacity", "ClosureDay"):
            for signal in (post_save, post_delete):
                signal.connect(recent_slot_book.forget, sender=self.get_model(name))
        setting_changed.connect(recent_slot_book.forget)
