"""Operations on consultation requests that change several rows and record who did them."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, CallAttempt, ConsultationRequest, DoNotContact

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


def _close(*, consultation, reason, user, via, extra_changes=()):
    before = AuditEntry.snapshot(consultation)
    consultation.status = Status.CLOSED
    consultation.close_reason = reason
    consultation.sync_closed_at(timezone.now())
    consultation.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
    changes = [*AuditEntry.diff(before, AuditEntry.snapshot(consultation)), *extra_changes]
    AuditEntry.record(user, AuditEntry.Action.CHANGED, consultation.pk, changes, via=via)


def _workable(queryset):
    return queryset.exclude(status=Status.CLOSED).filter(personal_data_purged_at__isnull=True)


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


def close_as_duplicate(*, consultation, duplicate_of, user):
    """Close a request as a duplicate of another request from the same number."""
    if consultation.pk == duplicate_of.pk or consultation.phone_key != duplicate_of.phone_key:
        raise ValueError("Only a request from the same number can be its duplicate.")
    with transaction.atomic():
        _close(
            consultation=consultation,
            reason=Reason.DUPLICATE,
            user=user,
            via="admin action: close as duplicate",
            extra_changes=[{"field": "duplicate_of", "old": None, "new": duplicate_of.pk}],
        )


def close_duplicates(*, queryset, user):
    """Close each request as a duplicate of the latest other request from the same number made
    before it. Returns the number closed; requests with no earlier one stay as they are."""
    closed = 0
    with transaction.atomic():
        for consultation in _workable(queryset).select_related("assigned_to"):
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
            close_as_duplicate(consultation=consultation, duplicate_of=original, user=user)
            closed += 1
    return closed


def close_not_reached(*, queryset, user):
    """Close the requests that are ready to close as not reached. Returns the number closed."""
    closed = 0
    with transaction.atomic():
        for consultation in _workable(queryset.not_reached()).select_related("assigned_to"):
            _close(
                consultation=consultation,
                reason=Reason.UNREACHABLE,
                user=user,
                via="admin action: close as not reached",
            )
            closed += 1
    return closed


def stop_contacting(*, consultation, user):
    """The person asked not to be called: close the request and remember the number (as a keyed
    hash) so a later request from it shows the flag."""
    with transaction.atomic():
        if consultation.phone_key:
            DoNotContact.objects.get_or_create(
                number_key=consultation.phone_key,
                defaults={"recorded_by": user, "request_id": consultation.pk},
            )
        if consultation.status != Status.CLOSED:
            _close(
                consultation=consultation,
                reason=Reason.ASKED_NOT_TO_CALL,
                user=user,
                via="admin action: stop contacting",
            )
        else:
            AuditEntry.record(
                user,
                AuditEntry.Action.CHANGED,
                consultation.pk,
                [{"field": "do_not_contact", "old": None, "new": True}],
                via="admin action: stop contacting",
            )


def add_staff_request(*, consultation, user):
    """Store a request staff took by phone, in person or from a referral. ``consultation`` is
    the unsaved request from the staff form; staff confirmed the person agreed to be called."""
    with transaction.atomic():
        consultation.entered_by = user
        consultation.consent_confirmed_by = user
        consultation.save()
        AuditEntry.record(
            user,
            AuditEntry.Action.ADDED,
            consultation.pk,
            [{"field": "source", "old": None, "new": consultation.source}],
            via="admin add page",
        )
    return consultation
