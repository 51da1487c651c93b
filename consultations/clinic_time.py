"""Times as the clinic sees them: in its own time zone (``TIME_ZONE``), whatever zone is active."""

from django.utils import formats, timezone


def in_clinic_time(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


def clinic_time(moment, format_name="DATETIME_FORMAT"):
    """A moment in words in the clinic's time zone, e.g. "Nov. 25, 2026, 9:14 a.m."."""
    if moment is None:
        return None
    return formats.date_format(in_clinic_time(moment), format_name)
