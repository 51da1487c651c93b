from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation requests")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.signals import setting_changed
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .admin_filters import recent_workers
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
        # Who may be assigned a request.
        user = get_user_model()
        for model in (user, Group):
            post_save.connect(recent_workers.forget, sender=model)
            post_delete.connect(recent_workers.forget, sender=model)
        for through in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(recent_workers.forget, sender=through)
