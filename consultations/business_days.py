"""Business-day arithmetic in the clinic's time zone (``TIME_ZONE``): Monday to Friday count,
Saturday and Sunday do not. Public holidays are not known here.

A request received on a weekend starts its clock on Monday at midnight, so "within one business
day" means "by the end of Monday". US daylight-saving changes happen on Sundays, so every business
day is 24 hours long.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from .clinic_time import in_clinic_time

SATURDAY = 5


def _start_of_weekend(local):
    """Saturday 00:00 of the weekend ``local`` falls on."""
    saturday = local.date() - timedelta(days=local.weekday() - SATURDAY)
    return datetime.combine(saturday, time.min)


def _next_monday(local):
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, time.min)


def _to_local_naive(moment):
    return in_clinic_time(moment).replace(tzinfo=None)


def _to_aware(local):
    return timezone.make_aware(local, timezone.get_default_timezone())


def add_business_days(moment, days):
    """The moment ``days`` business days after ``moment`` (the deadline for a call back)."""
    local = _to_local_naive(moment)
    for _ in range(days):
        if local.weekday() >= SATURDAY:
            local = _next_monday(local)
        local += timedelta(days=1)
        if local.weekday() >= SATURDAY and local != _start_of_weekend(local):
            # Past the end of Friday: the rest carries over to Monday.
            local += timedelta(days=7 - local.weekday())
    return _to_aware(local)


def subtract_business_days(moment, days):
    """The latest moment from which ``days`` business days have passed by ``moment``.

    Anything received at or before the returned moment is at least ``days`` business days old;
    it is the inverse of :func:`add_business_days`, used to filter in the database.
    """
    if days <= 0:
        return moment
    local = _to_local_naive(moment)
    if local.weekday() >= SATURDAY:
        # The weekend does not count: it is still the end of Friday.
        local = _start_of_weekend(local)
    for _ in range(days):
        local -= timedelta(days=1)
        if local.weekday() >= SATURDAY:
            local -= timedelta(days=local.weekday() - SATURDAY + 1)
    return _to_aware(local)
