import re
from datetime import time, timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField

from .business_days import (
    add_business_days,
    business_seconds_between,
    clinic_calendar,
    promised_call_date,
    subtract_business_days,
)
from .clinic_time import in_clinic_time

PHONE_SEARCH_CHARACTERS = re.compile(r"^[\d\s()+.\-/]+$")


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=ConsultationRequest.OPEN_STATUSES)

    def phone_or_number_q(self, term):
        """A filter for what staff type to find a request: a phone number however written
        (numbers are stored as E.164, "+16515550123"; "(651) 555-0123", "651.555.0123",
        "1 651 555 0123" and a bare "0123" all find it) or a request number ("#42")."""
        term = term.strip()
        query = models.Q()
        request_number = re.fullmatch(r"#?\s*(\d{1,18})", term)
        if request_number:
            query |= models.Q(pk=int(request_number.group(1)))
        digits = phonenumbers.normalize_digits_only(term)
        if not PHONE_SEARCH_CHARACTERS.match(term) or len(digits) < 4:
            return query
        query |= models.Q(phone__contains=digits)
        try:
            number = phonenumbers.parse(term, "US")
        except phonenumbers.NumberParseException:
            return query
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return query | models.Q(phone=e164)

    def overdue_q(self, now=None, calendar=None):
        """Open, never called, and received at least CONSULTATION_OVERDUE_BUSINESS_DAYS
        business days ago (clinic time; weekends, closed holidays and closure days skipped), or,
        when the patient booked a call time, that time has passed."""
        cutoff = subtract_business_days(
            now or timezone.now(), settings.CONSULTATION_OVERDUE_BUSINESS_DAYS, calendar
        )
        never_called = ~models.Exists(CallAttempt.objects.filter(request=models.OuterRef("pk")))
        # A booked call is the promise: overdue once its time has passed without a call logged.
        # (Both halves are never NULL, so the "not overdue" filter, its negation, is exact.)
        due = models.Q(call_at__isnull=True, created_at__lte=cutoff) | models.Q(
            call_at__isnull=False, call_at__lte=now or timezone.now()
        )
        return models.Q(status__in=ConsultationRequest.AWAITING_CALL_STATUSES) & due & never_called

    def overdue(self, now=None):
        return self.filter(self.overdue_q(now))

    def unanswered_q(self):
        """Open, never reached, with at least CONSULTATION_UNANSWERED_CALLS_TO_CLOSE unanswered
        calls made on at least two different clinic days: ready to close as not reached."""
        clinic_zone = timezone.get_default_timezone()
        unanswered = CallAttempt.objects.filter(
            request=models.OuterRef("pk"), outcome__in=CallAttempt.UNANSWERED_OUTCOMES
        ).order_by()
        answered = CallAttempt.objects.filter(
            request=models.OuterRef("pk"),
            outcome__in=[CallAttempt.Outcome.REACHED, CallAttempt.Outcome.CALL_LATER],
        )
        summary = unanswered.values("request").annotate(
            count=models.Count("pk"),
            days=models.Count(TruncDate("called_at", tzinfo=clinic_zone), distinct=True),
        )
        return (
            models.Q(status__in=ConsultationRequest.AWAITING_CALL_STATUSES)
            & ~models.Exists(answered)
            & models.Q(
                models.Exists(
                    summary.filter(
                        count__gte=settings.CONSULTATION_UNANSWERED_CALLS_TO_CLOSE, days__gte=2
                    )
                )
            )
        )

    def not_reached(self):
        return self.filter(self.unanswered_q())

    def with_contact_flags(self, now=None):
        """Annotate same_number_count (other requests from this number in the last
        CONSULTATION_SAME_NUMBER_DAYS days, any status) and do_not_contact (the number asked
        not to be called)."""
        since = (now or timezone.now()) - timedelta(days=settings.CONSULTATION_SAME_NUMBER_DAYS)
        same_number = (
            ConsultationRequest.objects.filter(
                phone_key=models.OuterRef("phone_key"), created_at__gte=since
            )
            .exclude(pk=models.OuterRef("pk"))
            .exclude(phone_key="")
            .order_by()
            .values("phone_key")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            same_number_count=Coalesce(models.Subquery(same_number), 0),
            do_not_contact=models.Exists(
                DoNotContact.objects.filter(number_key=models.OuterRef("phone_key"))
            ),
            ready_to_close=models.ExpressionWrapper(
                self.unanswered_q(), output_field=models.BooleanField()
            ),
        )

    def with_call_summary(self, now=None):
        """Annotate call_count, last_outcome, last_called_at and is_overdue in the same query."""
        attempts = CallAttempt.objects.filter(request=models.OuterRef("pk"))
        latest = attempts.order_by("-called_at", "-pk")
        return self.annotate(
            call_count=Coalesce(
                models.Subquery(
                    attempts.order_by()
                    .values("request")
                    .annotate(count=models.Count("pk"))
                    .values("count")
                ),
                0,
            ),
            last_outcome=models.Subquery(latest.values("outcome")[:1]),
            last_called_at=models.Subquery(latest.values("called_at")[:1]),
            is_overdue=models.ExpressionWrapper(
                self.overdue_q(now), output_field=models.BooleanField()
            ),
        )

    def due_for_purge(self, now=None):
        """Closed (or not a fit) longer than CONSULTATION_RETENTION_DAYS, personal data still held.

        Requests closed without a recorded closing time count from their last update, which is
        never earlier than the closing.
        """
        cutoff = (now or timezone.now()) - timedelta(days=settings.CONSULTATION_RETENTION_DAYS)
        return self.annotate(
            closed_since=Coalesce("closed_at", "updated_at"),
        ).filter(
            status__in=ConsultationRequest.CLOSED_STATUSES,
            personal_data_purged_at__isnull=True,
            closed_since__lte=cutoff,
        )


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
    phone_key = models.CharField(max_length=64, blank=True, editable=False)
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

    def save(self, *args, **kwargs):
        self.phone_key = number_key(self.phone)
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
