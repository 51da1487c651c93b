import phonenumbers
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=ConsultationRequest.OPEN_STATUSES)


class ConsultationRequest(models.Model):
    """A patient's request to be called back about a consultation. Holds personal data."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTING = "contacting", _("Contacting")
        SCHEDULED = "scheduled", _("Scheduled")
        NOT_A_FIT = "not_a_fit", _("Not a fit")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        CONSULTATION_HELD = "consultation_held", _("Consultation held")
        NOT_INTERESTED = "not_interested", _("No longer interested")
        UNREACHABLE = "unreachable", _("Could not be reached")
        REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
        DUPLICATE = "duplicate", _("Duplicate request")
        OTHER = "other", _("Other")

    class CallTime(models.TextChoices):
        MORNING = "morning", _("Morning (8–11 am)")
        MIDDAY = "midday", _("Midday (11 am–1 pm)")
        AFTERNOON = "afternoon", _("Afternoon (1–5 pm)")
        EVENING = "evening", _("Evening (5–7 pm)")

    class HeardAbout(models.TextChoices):
        SEARCH = "search", _("Internet search")
        CLINICIAN = "clinician", _("My doctor or therapist")
        FRIEND = "friend", _("Friend or family")
        INSURANCE = "insurance", _("Insurance directory")
        OTHER = "other", _("Other")

    OPEN_STATUSES = [Status.NEW, Status.CONTACTING, Status.SCHEDULED]

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164 format."))
    email = models.EmailField(_("email"), blank=True)
    best_times = models.JSONField(_("best times to call"), default=list, blank=True)
    voicemail_ok = models.BooleanField(_("voicemail allowed"))
    note = EncryptedTextField(_("note"), blank=True, help_text=_("Encrypted in the database."))
    heard_about = models.CharField(
        _("heard about us"), max_length=20, choices=HeardAbout.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=CloseReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultation_requests",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    notified_at = models.DateTimeField(_("staff notified"), null=True, blank=True)
    # A keyed hash of the client's address: enough to limit submissions per client
    # without storing the address itself.
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    # A keyed hash of what was submitted, to recognise an identical resubmission.
    submission_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    personal_data_purged_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True, editable=False
    )

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        permissions = [("export_consultationrequest", _("Can export consultation requests"))]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["client_key", "created_at"]),
            models.Index(fields=["submission_fingerprint", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(close_reason=""),
                name="closed_request_has_reason",
            ),
        ]

    def __str__(self):
        return f"Request #{self.pk}"

    @property
    def phone_national(self):
        """The phone number as people write it: (651) 555-0123 in the US, +44 ... abroad."""
        try:
            number = phonenumbers.parse(self.phone)
        except phonenumbers.NumberParseException:
            return self.phone  # empty after purging, or not E.164: show what is stored
        number_format = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 1
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, number_format)

    def get_admin_url(self):
        return reverse("admin:consultations_consultationrequest_change", args=[self.pk])


class CallAttempt(models.Model):
    """One call a staff member made back to the patient, and what happened."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        LEFT_VOICEMAIL = "left_voicemail", _("Left voicemail")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        CALL_LATER = "call_later", _("Asked to call later")

    request = models.ForeignKey(
        ConsultationRequest,
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
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-called_at"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self):
        return f"Call attempt on request #{self.request_id}"
