"""What staff do with a request, kept beside it: calls, the audit trail, numbers not to call,
the daily digests sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField


class CallAttempt(models.Model):
    """One call a staff member made back to the patient, and what happened."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        LEFT_VOICEMAIL = "left_voicemail", _("Left voicemail")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        CALL_LATER = "call_later", _("Asked to call later")

    # Calls that count towards closing a request as "could not be reached".
    UNANSWERED_OUTCOMES = [Outcome.NO_ANSWER, Outcome.LEFT_VOICEMAIL, Outcome.WRONG_NUMBER]

    request = models.ForeignKey(
        "ConsultationRequest",
        on_delete=models.CASCADE,
        related_name="call_attempts",
        verbose_name=_("request"),
    )
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="consultation_call_attempts",
        verbose_name=_("called by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-called_at"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self):
        return f"Call attempt on request #{self.request_id}"


class AuditEntry(models.Model):
    """Who looked at or changed which consultation request, and when. Never holds personal data.

    The request is kept as a plain number, not a foreign key, so the trail outlives the request.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        ADDED = "added", _("Added by staff")
        CHANGED = "changed", _("Changed")
        CALL_ADDED = "call_added", _("Call attempt logged")
        CALL_CHANGED = "call_changed", _("Call attempt changed")
        CALL_DELETED = "call_deleted", _("Call attempt deleted")
        EXPORTED = "exported", _("Exported")
        DELETED = "deleted", _("Deleted")
        PURGED = "purged", _("Personal data removed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    # Kept so the entry still names the staff member after their account is deleted.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    request_id = models.PositiveBigIntegerField(_("request number"))
    changes = models.JSONField(
        _("changes"),
        default=list,
        blank=True,
        help_text=_(
            "Changed fields; old and new values only for fields that hold no personal data."
        ),
    )
    via = models.CharField(_("via"), max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["request_id", "at"])]

    def __str__(self):
        return f"{self.get_action_display()}: request #{self.request_id}"

    @classmethod
    def entry(cls, user, action, request_id, changes=(), via=""):
        """An unsaved entry (for bulk_create); ``user`` may be None for system jobs."""
        return cls(
            user=user if user is not None and user.pk else None,
            username=user.get_username() if user is not None and user.pk else "",
            action=action,
            request_id=request_id,
            changes=list(changes),
            via=via,
        )

    @classmethod
    def record(cls, user, action, request_id, changes=(), via=""):
        entry = cls.entry(user, action, request_id, changes, via)
        entry.save()
        return entry


class DoNotContact(models.Model):
    """A phone number whose owner asked not to be called, kept as a keyed hash only.

    Separate from the request so it outlives the request's personal data.
    """

    number_key = models.CharField(max_length=64, unique=True, editable=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    request_id = models.PositiveBigIntegerField(_("on request number"))

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("asked not to be called")
        verbose_name_plural = _("asked not to be called")

    def __str__(self):
        return f"Asked not to be called (request #{self.request_id})"


class DigestRun(models.Model):
    """The daily digest was sent for this clinic date (so it is sent at most once a day)."""

    clinic_date = models.DateField(_("clinic date"), unique=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-clinic_date"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self):
        return f"Daily digest of {self.clinic_date.isoformat()}"
