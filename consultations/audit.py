"""The audit trail's rules: what is recorded of a change, how it reads, and where it came from.

Entries name the fields that changed; they hold old and new values only for fields that carry
no personal data (``VALUE_FIELDS``).
"""

from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .clinic_time import clinic_time
from .models import AuditEntry, CallAttempt, ConsultationRequest

# Where a change came from, as the trail's "via" column shows it.
VIA_CHANGE_PAGE = "admin change page"
VIA_ADMIN = "admin"
VIA_ADMIN_DELETE_ACTION = "admin action"
VIA_ASSIGN_TO_ME = "admin action: assign to me"
VIA_CLOSE_ACTION = "admin action: close"
VIA_EXPORT_ACTION = "admin action: export CSV"
VIA_FIRST_CALL = "first call attempt"
VIA_PURGE_COMMAND = "purge_consultation_requests"
VIA_CLOSE_DUPLICATE = "admin action: close as duplicate"
VIA_CLOSE_NOT_REACHED = "admin action: close as not reached"
VIA_STOP_CONTACTING = "admin action: stop contacting"
VIA_ADD_PAGE = "admin add page"
VIA_CALL_LINK = "patient's change link"
VIA_MOVE_CALL = "admin: move booked call"

# Values of these fields are recorded when they change; for every other field only its name.
VALUE_FIELDS = {
    "status",
    "close_reason",
    "assigned_to",
    "closed_at",
    "outcome",
    "called_at",
    "call_at",
}
EXTRA_LABELS = {
    "call_attempt": _("Call attempt"),
    "export": _("Rows in export"),
    "duplicate_of": _("Duplicate of request"),
    "do_not_contact": _("Asked not to be called"),
}


def snapshot(instance):
    """The audit-relevant state of a model instance: every concrete editable field."""
    state = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name == "updated_at":
            continue
        related = getattr(instance, field.name) if field.is_relation else None
        if related is not None and hasattr(related, "get_username"):
            state[field.name] = related.get_username()
        else:
            state[field.name] = getattr(instance, field.attname)
    return state


def diff(before, after):
    """What changed between two snapshots, safe to store: values only for VALUE_FIELDS."""
    changes = []
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in VALUE_FIELDS:
            changes.append({"field": name, "old": _plain(old), "new": _plain(new)})
        else:
            changes.append({"field": name})
    return changes


def moment(value):
    """A datetime (or None) as stored in an audit entry."""
    return _plain(value)


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def save_each(instances, *, change, by, via, update_fields=None):
    """Snapshot each instance, apply ``change`` to it, save it, and record what changed.

    Returns the instances that changed, in order.
    """
    entries, changed = [], []
    for instance in instances:
        before = snapshot(instance)
        change(instance)
        instance.save(update_fields=update_fields)
        entry = changed_entry(before, instance, by=by, via=via)
        if entry is not None:
            entries.append(entry)
            changed.append(instance)
    AuditEntry.objects.bulk_create(entries)
    return changed


def changed_entry(before, consultation, *, by, via):
    """An unsaved "changed" entry for what differs from ``before``, or None if nothing does."""
    changes = diff(before, snapshot(consultation))
    if not changes:
        return None
    return AuditEntry.entry(by, AuditEntry.Action.CHANGED, consultation.pk, changes, via=via)


def call_added(attempt, *, by, via):
    outcome = {"field": "outcome", "old": None, "new": attempt.outcome}
    action = AuditEntry.Action.CALL_ADDED
    return _call_entry(action, attempt, None, attempt.pk, outcome, by=by, via=via)


def call_changed(attempt, before, *, by, via):
    changes = diff(before, snapshot(attempt))
    action = AuditEntry.Action.CALL_CHANGED
    return _call_entry(action, attempt, attempt.pk, attempt.pk, *changes, by=by, via=via)


def call_deleted(attempt, *, by, via):
    """Made before the attempt is deleted, while it still has its number."""
    return _call_entry(AuditEntry.Action.CALL_DELETED, attempt, attempt.pk, None, by=by, via=via)


def _call_entry(action, attempt, old, new, *changes, by, via):
    call = {"field": "call_attempt", "old": old, "new": new}
    return AuditEntry.entry(by, action, attempt.request_id, [call, *changes], via=via)


def describe(changes):
    """Changes in words for the audit list, e.g. "Status: New → Closed"."""
    parts = []
    for change in changes or []:
        if not isinstance(change, dict) or "field" not in change:
            continue
        label = _field_label(change["field"])
        if "old" in change or "new" in change:
            old = _value_label(change["field"], change.get("old"))
            new = _value_label(change["field"], change.get("new"))
            parts.append(f"{label}: {old} → {new}")
        else:
            parts.append(f"{label} changed")
    return "; ".join(parts)


def _field(name):
    for model in (ConsultationRequest, CallAttempt):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(name):
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    field = _field(name)
    return capfirst(field.verbose_name) if field is not None else name


def _value_label(name, value):
    if value is None or value == "":
        return "—"
    field = _field(name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return clinic_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if name in ("call_attempt", "duplicate_of"):
        return f"#{value}"
    if name == "do_not_contact":
        return str(_("Yes"))
    return str(value)
