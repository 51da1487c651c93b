from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """How a staff member is named in public, e.g. under the answers they reviewed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    public_name = models.CharField(
        _("public name"),
        max_length=150,
        blank=True,
        help_text=_("The name shown on the site, e.g. “Dana Berg”. Needed to review answers."),
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("Shown after the name, e.g. “MD” or “LICSW”."),
    )

    class Meta:
        ordering = ["public_name"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"Staff profile #{self.pk}"
