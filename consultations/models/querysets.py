"""The filters staff lists and counts are made of: open, overdue, ready to close, same number."""

import re
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ..business_days import (
    subtract_business_days,
)

PHONE_SEARCH_CHARACTERS = re.compile(r"^[\d\s()+.\-/]+$")


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

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
        return models.Q(status__in=self.model.AWAITING_CALL_STATUSES) & due & never_called

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
            request=models.OuterRef("pk"), outcome__in=ANSWERED_OUTCOMES
        )
        summary = unanswered.values("request").annotate(
            count=models.Count("pk"),
            days=models.Count(TruncDate("called_at", tzinfo=clinic_zone), distinct=True),
        )
        return (
            models.Q(status__in=self.model.AWAITING_CALL_STATUSES)
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
            self.model.objects.filter(phone_key=models.OuterRef("phone_key"), created_at__gte=since)
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

    def with_overdue_flag(self, now=None):
        """Annotate is_overdue alone (with_call_summary annotates it with the rest)."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                self.overdue_q(now), output_field=models.BooleanField()
            )
        )

    def with_call_summary(self, now=None):
        """Annotate call_count, last_outcome, last_called_at and is_overdue in the same query."""
        return self.annotate(
            call_count=call_count(),
            last_outcome=models.Subquery(latest_call().values("outcome")[:1]),
            last_called_at=last_called_at(),
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
            status__in=self.model.CLOSED_STATUSES,
            personal_data_purged_at__isnull=True,
            closed_since__lte=cutoff,
        )


def add_list_figures(requests, now=None):
    """Give each of ``requests`` (loaded instances, a page of the staff's list) what
    with_call_summary() and with_contact_flags() annotate, from two plain queries on those
    requests alone: their calls, and their numbers (how many requests each made, and whether it
    asked not to be called).

    The list shows 50 requests; building those annotations' subqueries cost the ORM more CPU than
    the rest of the list's queries together. The overdue and ready-to-close rules here are those
    of overdue_q() and unanswered_q() worked out on the loaded calls;
    tests/consultations/test_list_figures.py holds the two to the same answers.
    """
    if not requests:
        return
    now = now or timezone.now()
    model = type(requests[0])
    ids = [request.pk for request in requests]
    calls = {pk: [] for pk in ids}
    for request_id, outcome, called_at, pk in CallAttempt.objects.filter(
        request_id__in=ids
    ).values_list("request_id", "outcome", "called_at", "pk"):
        calls[request_id].append((called_at, pk, outcome))
    cutoff = subtract_business_days(now, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS)
    since = now - timedelta(days=settings.CONSULTATION_SAME_NUMBER_DAYS)
    same_number, stopped = numbers_seen(model, {request.phone_key for request in requests}, since)
    for request in requests:
        made = sorted(calls[request.pk], reverse=True)
        request.call_count = len(made)
        request.last_called_at, _pk, request.last_outcome = made[0] if made else (None,) * 3
        awaiting = request.status in model.AWAITING_CALL_STATUSES
        due = request.created_at <= cutoff if request.call_at is None else request.call_at <= now
        request.is_overdue = awaiting and due and not made
        request.ready_to_close = awaiting and ready_to_close([(at, o) for at, _pk, o in made])
        # The count includes the request itself when it is recent enough to be one.
        in_count = request.phone_key in same_number and request.created_at >= since
        request.same_number_count = same_number.get(request.phone_key, 0) - in_count
        request.do_not_contact = request.phone_key in stopped


def quoted_names(model, *field_names):
    """The model's table and these fields' columns, quoted for the database, for plain SQL."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), *(
        quote(model._meta.get_field(name).column) for name in field_names
    )


def numbers_seen(model, keys, since):
    """({phone key: requests (of ``model``) made from it since ``since``}, {phone keys that asked
    not to be called}) for these keys, in one query.

    Plain SQL: through the ORM these were two queries that cost the list more to build than to
    run. The same counts as with_contact_flags()'s subqueries (test_list_figures.py).
    """
    keys = sorted(set(keys) - {""})
    if not keys:
        return {}, set()
    requests, phone_key, created_at = quoted_names(model, "phone_key", "created_at")
    stop_list, number_key = quoted_names(DoNotContact, "number_key")
    listed = ", ".join(["%s"] * len(keys))
    sql = (
        # Only quoted names from the models' options are formatted in; values are parameters.
        f"SELECT {phone_key}, COUNT(*), 0 FROM {requests} "  # noqa: S608
        f"WHERE {phone_key} IN ({listed}) AND {created_at} >= %s GROUP BY {phone_key} "
        f"UNION ALL SELECT {number_key}, 0, 1 FROM {stop_list} WHERE {number_key} IN ({listed})"
    )
    counts, stopped = {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, connection.ops.adapt_datetimefield_value(since), *keys])
        for key, count, asked_not_to_call in cursor.fetchall():
            if asked_not_to_call:
                stopped.add(key)
            else:
                counts[key] = count
    return counts, stopped


def ready_to_close(calls):
    """unanswered_q() for one request's calls, (called_at, outcome) pairs: none answered, and
    enough unanswered on at least two clinic days."""
    if any(outcome in ANSWERED_OUTCOMES for _at, outcome in calls):
        return False
    unanswered = [at for at, outcome in calls if outcome in CallAttempt.UNANSWERED_OUTCOMES]
    days = {timezone.localtime(at, timezone.get_default_timezone()).date() for at in unanswered}
    return len(unanswered) >= settings.CONSULTATION_UNANSWERED_CALLS_TO_CLOSE and len(days) >= 2


def request_calls():
    """The calls of the request an outer query is on."""
    return CallAttempt.objects.filter(request=models.OuterRef("pk"))


def latest_call():
    return request_calls().order_by("-called_at", "-pk")


def call_count():
    """The number of calls logged for a request, as an expression (to annotate or sort by)."""
    counted = request_calls().order_by().values("request").annotate(count=models.Count("pk"))
    return Coalesce(models.Subquery(counted.values("count")), 0)


def last_called_at():
    """When the last call for a request was made (NULL before the first), as an expression."""
    return models.Subquery(latest_call().values("called_at")[:1])


# The models these filters join, imported last: they are defined after the queryset.
from .records import CallAttempt, DoNotContact  # noqa: E402

ANSWERED_OUTCOMES = [CallAttempt.Outcome.REACHED, CallAttempt.Outcome.CALL_LATER]
