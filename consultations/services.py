"""What patients and staff do to consultation requests, each operation in one place.

Called by the views, the admin and the management commands alike. Every operation that changes a
request records who did it in the audit trail (see ``audit``).
"""

import hashlib
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from clinic.inserts import insert_new

from . import audit
from .models import AuditEntry, CallAttempt, ConsultationRequest, DoNotContact
from .models.querysets import quoted_names
from .slots import SlotBook
from .tasks import CallEmail, email_call_time, notify_staff_of_request

logger = logging.getLogger(__name__)


class OverHourlyLimit(Exception):
    """The client has sent as many requests this hour as the clinic accepts from one place."""


class SlotTaken(Exception):
    """The call time chosen is no longer free (booked up, blocked or too soon)."""


class StaleBooking(Exception):
    """The change link was made for a booking that has changed since (it works once)."""


def _lock_statement(keys):
    """(SQL, parameters) that serialise submissions sharing any of ``keys`` across every app
    server, or None where nothing more is needed.

    PostgreSQL: transaction-level advisory locks, taken in the order given and released at
    commit. SQLite: each transaction already takes the database's write lock when it begins
    (transaction_mode IMMEDIATE in settings).
    """
    if connection.vendor != "postgresql":
        return None
    # One statement: PostgreSQL evaluates the select list left to right, so the order holds.
    calls = ", ".join(["pg_advisory_xact_lock(%s)"] * len(keys))
    return f"SELECT {calls}", [int(key[:15], 16) for key in keys]


def _lock_submissions(*keys):
    """Serialise submissions that share a client, a fingerprint or a slot (_lock_statement)."""
    statement = _lock_statement(keys)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def _locked_recent_submissions(*, fingerprint, same_since, client_key, client_since):
    """Lock as _lock_submissions(client_key, fingerprint) does, then count: (requests identical
    to this one since ``same_since``, requests matching either that or the client since
    ``client_since``). Without an identical request among them, the second is the client's own
    count: both checks in one query.

    Plain SQL: building this count through the ORM cost ten times what the query takes to run,
    on the path of every submission. The same query as
    ``filter(same | client).aggregate(same=Count("pk", filter=same), rows=Count("pk"))``. On
    PostgreSQL the locks go in the same round trip, as a statement of their own before the
    count: in READ COMMITTED each statement reads the rows committed when it starts, so the
    count sees every submission committed while the locks were awaited.
    """
    table, fingerprint_column, client_column, created_column = quoted_names(
        ConsultationRequest, "submission_fingerprint", "client_key", "created_at"
    )
    same = f"{fingerprint_column} = %s AND {created_column} >= %s"
    client = f"{client_column} = %s AND {created_column} >= %s"
    same_params = [fingerprint, connection.ops.adapt_datetimefield_value(same_since)]
    client_params = [client_key, connection.ops.adapt_datetimefield_value(client_since)]
    # Only quoted names from the model's options are formatted in; values are parameters.
    sql = (
        f"SELECT COALESCE(SUM(CASE WHEN {same} THEN 1 ELSE 0 END), 0), COUNT(*) "  # noqa: S608
        f"FROM {table} WHERE ({same}) OR ({client})"
    )
    params = [*same_params, *same_params, *client_params]
    lock = _lock_statement((client_key, fingerprint))
    if lock is not None:
        # Two statements in one execute: psycopg2 (requirements.txt) sends them as one simple
        # query and fetchone() reads the last one's row. The submission tests run on PostgreSQL.
        sql = f"{lock[0]}; {sql}"
        params = [*lock[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _slot_key(slot):
    return hashlib.sha256(f"consultations.slot:{slot.isoformat()}".encode()).hexdigest()


def _book(consultation, slot, *, now):
    """Give ``consultation`` the call time ``slot`` if it is still free; call inside a
    transaction. Bookings of one slot are serialised across app servers (see _lock_submissions),
    so a slot never takes more calls than its capacity."""
    _lock_submissions(_slot_key(slot))
    if not SlotBook(now=now).is_free(slot):
        raise SlotTaken
    consultation.call_at = slot
    consultation.call_version += 1


def submit_request(*, consultation, fingerprint, client_key, call_at=None):
    """Store a patient's unsaved request and have staff told, once it is committed.

    Returns the stored request, or None when an identical one arrived within
    CONSULTATION_DUPLICATE_WINDOW_MINUTES (the patient is thanked all the same). Raises
    OverHourlyLimit when the client already sent CONSULTATION_RATE_LIMIT_PER_HOUR this hour, and
    SlotTaken when ``call_at`` (a bookable slot the patient chose) is no longer free: only a
    stored request holds a slot, so bots and clients over the limit book nothing.
    """
    with transaction.atomic():
        now = timezone.now()
        window = timedelta(minutes=settings.CONSULTATION_DUPLICATE_WINDOW_MINUTES)
        same, rows = _locked_recent_submissions(
            fingerprint=fingerprint,
            same_since=now - window,
            client_key=client_key,
            client_since=now - timedelta(hours=1),
        )
        if same:
            return None
        if rows >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR:
            logger.warning("Consultation request refused: a client is over the hourly limit.")
            raise OverHourlyLimit
        if call_at is not None:
            _book(consultation, call_at, now=now)
        consultation.client_key = client_key
        consultation.submission_fingerprint = fingerprint
        insert_new(consultation)
        transaction.on_commit(
            partial(notify_staff_of_request.enqueue, consultation.pk), robust=True
        )
        if call_at is not None and consultation.call_confirmation_wanted and consultation.email:
            transaction.on_commit(
                partial(email_call_time.enqueue, consultation.pk, CallEmail.CONFIRMATION),
                robust=True,
            )
    logger.info("%s received.", consultation)
    return consultation


def _workable(requests):
    """Requests staff may still change: their personal data has not been removed."""
    return requests.filter(personal_data_purged_at__isnull=True).select_related("assigned_to")


@transaction.atomic
def save_changes(*, consultation, by, via=audit.VIA_CHANGE_PAGE):
    """Save a request staff edited (status, reason for closing, assignee) and record the change."""
    stored = ConsultationRequest.objects.select_related("assigned_to").get(pk=consultation.pk)
    before = audit.snapshot(stored)
    consultation.sync_closed_at()
    consultation.save()
    entry = audit.changed_entry(before, consultation, by=by, via=via)
    if entry is not None:
        entry.save()


@transaction.atomic
def assign(*, requests, to, by, via):
    """Assign the requests to ``to``; returns those that changed hands."""

    def give(consultation):
        consultation.assigned_to = to

    return audit.save_each(
        _workable(requests).exclude(assigned_to=to),
        change=give,
        by=by,
        via=via,
        update_fields=["assigned_to", "updated_at"],
    )


@transaction.atomic
def close(*, requests, reason, by, via):
    """Close the requests that are not closed yet, for ``reason``; returns those it closed."""
    now = timezone.now()
    return audit.save_each(
        _workable(requests).exclude(status=ConsultationRequest.Status.CLOSED),
        change=lambda consultation: consultation.close(reason=reason, now=now),
        by=by,
        via=via,
        update_fields=["status", "close_reason", "closed_at", "updated_at"],
    )


@transaction.atomic
def log_call_attempts(*, consultation, attempts, deleted=(), by, via=audit.VIA_CHANGE_PAGE):
    """Save new and edited call attempts on a request, delete ``deleted``, and record each.

    New attempts are stamped as called by ``by``; the first call moves a new request on to
    "contacting".
    """
    originals = {
        attempt.pk: audit.snapshot(attempt)
        for attempt in CallAttempt.objects.filter(
            pk__in=[attempt.pk for attempt in attempts if attempt.pk is not None]
        ).select_related("called_by")
    }
    entries = [audit.call_deleted(attempt, by=by, via=via) for attempt in deleted]
    for attempt in deleted:
        attempt.delete()
    for attempt in attempts:
        if attempt.pk is None:
            attempt.called_by = by
            attempt.save()
            entries.append(audit.call_added(attempt, by=by, via=via))
        else:
            attempt.save()
            before = originals.get(attempt.pk, {})
            entries.append(audit.call_changed(attempt, before, by=by, via=via))
    if any(entry.action == AuditEntry.Action.CALL_ADDED for entry in entries):
        record_first_call(consultation=consultation)
        entries.append(_note_first_call(consultation, by=by))
    AuditEntry.objects.bulk_create(entry for entry in entries if entry is not None)


def _note_first_call(consultation, *, by):
    """Move a new request on to "contacting"; the unsaved audit entry, or None if it stays."""
    before = audit.snapshot(consultation)
    if not consultation.note_call_attempt():
        return None
    consultation.save(update_fields=["status", "updated_at"])
    return audit.changed_entry(before, consultation, by=by, via=audit.VIA_FIRST_CALL)


def delete(*, requests, by, via):
    """Delete the requests, recording each deletion."""
    with transaction.atomic():
        AuditEntry.objects.bulk_create(
            AuditEntry.entry(by, AuditEntry.Action.DELETED, pk, via=via)
            for pk in requests.values_list("pk", flat=True)
        )
        requests.delete()


def record_export(*, requests, by, via=audit.VIA_EXPORT_ACTION):
    """The requests to export, in order, each recorded as exported by ``by``."""
    rows = list(requests.with_call_summary().select_related("assigned_to").order_by("pk"))
    AuditEntry.objects.bulk_create(
        AuditEntry.entry(
            by,
            AuditEntry.Action.EXPORTED,
            row.pk,
            [{"field": "export", "old": None, "new": len(rows)}],
            via=via,
        )
        for row in rows
    )
    return rows


def purge_personal_data(*, now, dry_run=False):
    """Remove the personal data of requests closed longer than CONSULTATION_RETENTION_DAYS.

    Returns the numbers of the requests and how many call notes were (or would be) removed.
    """
    with transaction.atomic():
        due = ConsultationRequest.objects.due_for_purge(now).select_for_update()
        ids = list(due.values_list("pk", flat=True).order_by("pk"))
        attempts = CallAttempt.objects.filter(request_id__in=ids).exclude(notes="")
        note_count = attempts.count()
        if not dry_run and ids:
            ConsultationRequest.objects.filter(pk__in=ids).update(
                **ConsultationRequest.PERSONAL_DATA, personal_data_purged_at=now
            )
            attempts.update(notes="")
            removed = [{"field": field} for field in ConsultationRequest.PERSONAL_DATA]
            AuditEntry.objects.bulk_create(
                AuditEntry.entry(
                    None, AuditEntry.Action.PURGED, pk, removed, via=audit.VIA_PURGE_COMMAND
                )
                for pk in ids
            )
    return ids, note_count


# --- the call-back promise: first calls, same numbers, people not reached or not to be called ---

Status = ConsultationRequest.Status
Reason = ConsultationRequest.CloseReason


def record_first_call(*, consultation):
    """Store the business time to the request's first call, from its earliest logged call."""
    first = (
        CallAttempt.objects.filter(request=consultation)
        .order_by("called_at")
        .values_list("called_at", flat=True)
        .first()
    )
    if first is None:
        return False
    changed = consultation.record_first_call(first)
    if changed:
        consultation.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _close_one(*, consultation, reason, by, via, extra_changes=()):
    before = audit.snapshot(consultation)
    consultation.close(reason=reason, now=timezone.now())
    consultation.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
    changes = [*audit.diff(before, audit.snapshot(consultation)), *extra_changes]
    AuditEntry.record(by, AuditEntry.Action.CHANGED, consultation.pk, changes, via=via)


def _still_open(requests):
    return _workable(requests).exclude(status=Status.CLOSED)


def earlier_requests(*, consultation, limit=10):
    """Other requests from the same number in the last CONSULTATION_SAME_NUMBER_DAYS, newest
    first (any status)."""
    if not consultation.phone_key:
        return ConsultationRequest.objects.none()
    since = timezone.now() - timedelta(days=settings.CONSULTATION_SAME_NUMBER_DAYS)
    return (
        ConsultationRequest.objects.filter(phone_key=consultation.phone_key, created_at__gte=since)
        .exclude(pk=consultation.pk)
        .only("pk", "created_at", "status", "close_reason")
        .order_by("-created_at")[:limit]
    )


def close_as_duplicate(*, consultation, duplicate_of, by):
    """Close a request as a duplicate of another request from the same number."""
    if consultation.pk == duplicate_of.pk or consultation.phone_key != duplicate_of.phone_key:
        raise ValueError("Only a request from the same number can be its duplicate.")
    with transaction.atomic():
        _close_one(
            consultation=consultation,
            reason=Reason.DUPLICATE,
            by=by,
            via=audit.VIA_CLOSE_DUPLICATE,
            extra_changes=[{"field": "duplicate_of", "old": None, "new": duplicate_of.pk}],
        )


def close_duplicates(*, requests, by):
    """Close each request as a duplicate of the latest other request from the same number made
    before it. Returns the number closed; requests with no earlier one stay as they are."""
    closed = 0
    with transaction.atomic():
        for consultation in _still_open(requests):
            if not consultation.phone_key:
                continue
            original = (
                ConsultationRequest.objects.filter(
                    phone_key=consultation.phone_key, created_at__lte=consultation.created_at
                )
                .exclude(pk=consultation.pk)
                .order_by("-created_at")
                .first()
            )
            if original is None:
                continue
            close_as_duplicate(consultation=consultation, duplicate_of=original, by=by)
            closed += 1
    return closed


def close_not_reached(*, requests, by):
    """Close the requests that are ready to close as not reached. Returns the number closed."""
    closed = 0
    with transaction.atomic():
        for consultation in _still_open(requests.not_reached()):
            _close_one(
                consultation=consultation,
                reason=Reason.UNREACHABLE,
                by=by,
                via=audit.VIA_CLOSE_NOT_REACHED,
            )
            closed += 1
    return closed


def stop_contacting(*, consultation, by):
    """The person asked not to be called: close the request and remember the number (as a keyed
    hash) so a later request from it shows the flag."""
    with transaction.atomic():
        if consultation.phone_key:
            DoNotContact.objects.get_or_create(
                number_key=consultation.phone_key,
                defaults={"recorded_by": by, "request_id": consultation.pk},
            )
        if consultation.status != Status.CLOSED:
            _close_one(
                consultation=consultation,
                reason=Reason.ASKED_NOT_TO_CALL,
                by=by,
                via=audit.VIA_STOP_CONTACTING,
            )
        else:
            AuditEntry.record(
                by,
                AuditEntry.Action.CHANGED,
                consultation.pk,
                [{"field": "do_not_contact", "old": None, "new": True}],
                via=audit.VIA_STOP_CONTACTING,
            )


def add_staff_request(*, consultation, by):
    """Store a request staff took by phone, in person or from a referral. ``consultation`` is
    the unsaved request from the staff form; staff confirmed the person agreed to be called."""
    with transaction.atomic():
        consultation.entered_by = by
        consultation.consent_confirmed_by = by
        consultation.save()
        AuditEntry.record(
            by,
            AuditEntry.Action.ADDED,
            consultation.pk,
            [{"field": "source", "old": None, "new": consultation.source}],
            via=audit.VIA_ADD_PAGE,
        )
    return consultation


# --- booked call times: the patient changes or cancels, staff move ---


def _call_changed(consultation, before, *, by, via):
    consultation.save(update_fields=["call_at", "call_version", "call_cancelled_at", "updated_at"])
    AuditEntry.record(
        by,
        AuditEntry.Action.CHANGED,
        consultation.pk,
        [{"field": "call_at", "old": before, "new": audit.moment(consultation.call_at)}],
        via=via,
    )


def _locked(consultation):
    return ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)


def change_call(*, consultation, call_at, version, by=None, via=audit.VIA_CALL_LINK):
    """Move the booked call to the free slot ``call_at``. ``version`` is the booking the change
    was asked from: a stale one (a link already used) raises StaleBooking. The patient is
    emailed the new time and a new link when they asked for email."""
    with transaction.atomic():
        _lock_submissions(_slot_key(call_at))
        current = _locked(consultation)
        if current.call_version != version:
            raise StaleBooking
        before = audit.moment(current.call_at)
        _book(current, call_at, now=timezone.now())
        current.call_cancelled_at = None
        _call_changed(current, before, by=by, via=via)
        if current.call_confirmation_wanted and current.email:
            kind = CallEmail.CHANGED if by is None else CallEmail.MOVED
            transaction.on_commit(partial(email_call_time.enqueue, current.pk, kind), robust=True)
    return current


def cancel_call(*, consultation, version):
    """The patient cancelled their booked call: the slot is free again and the request shows
    staff that it was cancelled (it goes back to being called within the promise)."""
    with transaction.atomic():
        current = _locked(consultation)
        if current.call_version != version or current.call_at is None:
            raise StaleBooking
        before = audit.moment(current.call_at)
        current.call_at = None
        current.call_version += 1
        current.call_cancelled_at = timezone.now()
        _call_changed(current, before, by=None, via=audit.VIA_CALL_LINK)
    return current
