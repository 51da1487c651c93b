"""When the clinic can take calls: closure days, call capacity per day, blocked times."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ..clinic_time import in_clinic_time


class ClosureDay(models.Model):
    """A day the clinic is closed besides weekends and its usual holidays (training, weather)."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(
        _("reason"),
        max_length=100,
        blank=True,
        help_text=_("For staff only, for example “staff training” or “snow day”."),
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")

    def __str__(self):
        return formats.date_format(self.date, "DATE_FORMAT")


class CallCapacity(models.Model):
    """How many calls each bookable time slot takes on one date (how many intake staff are on
    the phones). Dates without one take CONSULTATION_CALLS_PER_SLOT."""

    date = models.DateField(_("date"), unique=True)
    calls_per_slot = models.PositiveSmallIntegerField(
        _("calls per time slot"),
        help_text=_("How many patients can book the same time. 0 offers no times that day."),
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("call capacity")
        verbose_name_plural = _("call capacity")

    def __str__(self):
        return formats.date_format(self.date, "DATE_FORMAT")


class BlockedTime(models.Model):
    """A stretch of time patients cannot book a call in (a meeting, time off)."""

    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(
        _("reason"), max_length=100, blank=True, help_text=_("For staff only.")
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("blocked call time")
        verbose_name_plural = _("blocked call times")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="blocked_time_ends_after_start",
            ),
        ]

    def __str__(self):
        return formats.date_format(in_clinic_time(self.starts_at), "DATETIME_FORMAT")

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": ValidationError(_("Choose an end after the start."), code="order")}
            )
