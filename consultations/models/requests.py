"""A patient's request to be called back."""

from datetime import time

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField

from ..business_days import (
    add_business_days,
    business_seconds_between,
    clinic_calendar,
    promised_call_date,
)
from .querysets import ConsultationRequestQuerySet


class PhoneKeyField(models.CharField):
    """The keyed hash of the request's phone number (``number_key``), made from the number
    each time the row is saved, by whichever path saves it."""

    def pre_save(self, model_instance, add):
        value = number_key(model_instance.phone)
        setattr(model_instance, self.attname, value)
        return value


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
        ASKED_NOT_TO_CALL = "asked_not_to_call", _("Asked not to be called")
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

    class Source(models.TextChoices):
        WEB_FORM = "web_form", _("Web form")
        PHONE = "phone", _("Phone call")
        WALK_IN = "walk_in", _("Walk-in")
        REFERRAL = "referral", _("Referral")

    # When each choice of call time starts and ends, clinic time.
    CALL_TIME_WINDOWS = {
        CallTime.MORNING: (time(8), time(11)),
        CallTime.MIDDAY: (time(11), time(13)),
        CallTime.AFTERNOON: (time(13), time(17)),
        CallTime.EVENING: (time(17), time(19)),
    }

    class CallLanguage(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        HMONG = "hmn", _("Hmong")
        SOMALI = "so", _("Somali")
        OTHER = "other", _("Another language")

    OPEN_STATUSES = [Status.NEW, Status.CONTACTING, Status.SCHEDULED]
    CLOSED_STATUSES = [Status.NOT_A_FIT, Status.CLOSED]
    # Statuses in which a request that has no logged call can become overdue.
    AWAITING_CALL_STATUSES = [Status.NEW, Status.CONTACTING]

    # Fields that hold what the patient told us, and what they become when it is removed.
    # Kept out of audit entries and wiped by `purge_consultation_requests`.
    PERSONAL_DATA = {
        "name": "",
        "phone": "",
        "email": "",
        "best_times": [],
        "note": "",
        "call_language_other": "",
        "client_key": "",
        "submission_fingerprint": "",
        "phone_key": "",
    }

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164 format."))
    email = models.EmailField(_("email"), blank=True)
    best_times = models.JSONField(_("best times to call"), default=list, blank=True)
    voicemail_ok = models.BooleanField(_("voicemail allowed"))
    note = EncryptedTextField(_("note"), blank=True, help_text=_("Encrypted in the database."))
    heard_about = models.CharField(
        _("heard about us"), max_length=20, choices=HeardAbout.choices, blank=True
    )
    call_language = models.CharField(
        _("language to call in"),
        max_length=10,
        choices=CallLanguage.choices,
        default=CallLanguage.ENGLISH,
        help_text=_("The language the patient asked to be called in."),
    )
    call_language_other = models.CharField(
        _("other language"),
        max_length=100,
        blank=True,
        help_text=_("The language the patient named, when it is not in the list."),
    )
    interpreter = models.BooleanField(_("interpreter wanted"), default=False)
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
    # A keyed hash of the phone number: finds earlier requests from the same number.
    phone_key = PhoneKeyField(max_length=64, blank=True, editable=False)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.WEB_FORM
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("entered by"),
    )
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("agreement to be called confirmed by"),
    )
    first_called_at = models.DateTimeField(_("first called"), null=True, blank=True, editable=False)
    business_seconds_to_first_call = models.PositiveIntegerField(
        _("business time to first call (seconds)"), null=True, blank=True, editable=False
    )
    first_call_on_time = models.BooleanField(
        _("first called within the promise"), null=True, blank=True, editable=False
    )
    # A call time the patient booked on the form (clinic time slot start), and what they asked
    # to be emailed about it. The version changes with every change, so a change link works once.
    call_at = models.DateTimeField(_("booked call time"), null=True, blank=True, editable=False)
    call_version = models.PositiveIntegerField(default=0, editable=False)
    call_confirmation_wanted = models.BooleanField(
        _("confirmation email wanted"), default=False, editable=False
    )
    call_reminder_wanted = models.BooleanField(
        _("reminder email wanted"), default=False, editable=False
    )
    call_confirmation_sent_at = models.DateTimeField(
        _("confirmation emailed"), null=True, blank=True, editable=False
    )
    call_reminder_sent_at = models.DateTimeField(
        _("reminder emailed"), null=True, blank=True, editable=False
    )
    call_cancelled_at = models.DateTimeField(
        _("patient cancelled the booked call"), null=True, blank=True, editable=False
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
            models.Index(fields=["phone_key", "created_at"]),
            models.Index(fields=["created_at"], name="consult_received_idx"),
            models.Index(fields=["call_at"], name="consult_call_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(close_reason=""),
                name="closed_request_has_reason",
            ),
        ]

    def __str__(self):
        return f"Request #{self.pk}"

    # Its save() only widens update_fields: a new row may be stored by clinic.inserts.insert_new.
    SAVE_ADDS_NOTHING_TO_INSERTS = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_key"}
        super().save(*args, **kwargs)

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

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def call_due_at(self):
        """When the first call back is due (clinic business days after receipt)."""
        return add_business_days(self.created_at, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS)

    # The rules for closing live here: a closed request has a reason (and the database holds
    # it to that), a closing time is stamped once, and reopening clears both.

    def clean(self):
        if self.status == self.Status.CLOSED and not self.close_reason:
            raise ValidationError(
                {
                    "close_reason": ValidationError(
                        _("Choose a reason for closing this request."),
                        code="close_reason_required",
                    )
                }
            )

    def close(self, *, reason, now=None):
        self.status = self.Status.CLOSED
        self.close_reason = reason
        self.clean()
        self.sync_closed_at(now)

    def promised_call_date(self, calendar=None):
        """The clinic date the patient is told to expect the call by."""
        windows = [
            self.CALL_TIME_WINDOWS[t] for t in self.best_times if t in self.CALL_TIME_WINDOWS
        ]
        return promised_call_date(
            self.created_at, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS, windows, calendar
        )

    def record_first_call(self, called_at, calendar=None):
        """Store when the first call was made and how much business time it took. Returns the
        names of the fields it changed."""
        if self.first_called_at is not None and self.first_called_at <= called_at:
            return []
        calendar = calendar or clinic_calendar()
        due = add_business_days(
            self.created_at, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS, calendar
        )
        self.first_called_at = called_at
        self.business_seconds_to_first_call = business_seconds_between(
            self.created_at, called_at, calendar
        )
        self.first_call_on_time = called_at <= due
        return ["first_called_at", "business_seconds_to_first_call", "first_call_on_time"]

    def sync_closed_at(self, now=None):
        """Record when the request was closed; clear it (and the reason) when it is reopened."""
        if self.status in self.CLOSED_STATUSES:
            if self.closed_at is None:
                self.closed_at = now or timezone.now()
        else:
            self.closed_at = None
            self.close_reason = ""

    def note_call_attempt(self):
        """The first logged call moves a new request on to "contacting". True if it changed."""
        if self.status == self.Status.NEW:
            self.status = self.Status.CONTACTING
            return True
        return False


def number_key(phone):
    """A keyed hash of a phone number (E.164): recognises the number without storing it."""
    if not phone:
        return ""
    return salted_hmac(
        "consultations.phone", phone, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()
