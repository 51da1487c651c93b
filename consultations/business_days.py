"""Business-day arithmetic in the clinic's time zone (``TIME_ZONE``).

A business day is a weekday (Monday to Friday) that is not a holiday the clinic closes for
(``CLINIC_CLOSED_HOLIDAYS``, dates from the ``holidays`` package for the US and Minnesota) and not a
closure day staff added in the admin (:class:`consultations.models.ClosureDay`).

A request received on a closed day starts its clock at midnight of the next business day, so
"within one business day" of a Saturday request means "by the end of Monday". US daylight-saving
changes happen on Sundays, so every business day is 24 hours long.

Business *time* (used to measure how soon a request was first called) counts only the clinic's
opening hours (``CLINIC_OPENING_HOURS``) on business days.
"""

import threading
from datetime import date, datetime, time, timedelta
from functools import cached_property

import holidays
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .clinic_time import in_clinic_time

ONE_DAY = timedelta(days=1)
SATURDAY = 5
# Never look further than this for the next or previous business day (a misconfiguration, such
# as every day marked closed, must not hang a page).
SEARCH_LIMIT_DAYS = 366


def parse_opening_hours(value):
    """ "09:00-17:00" → (time(9), time(17)). Raises ValueError when it is not such a range."""
    opens, closes = (time.fromisoformat(part.strip()) for part in value.split("-"))
    if opens >= closes:
        raise ValueError("The clinic must open before it closes.")
    return opens, closes


_per_thread = threading.local()


def public_holidays():
    """The US and Minnesota public holidays, built once per thread (the package works each
    year's dates out on first use and keeps them, so one object is not shared across threads)."""
    if not hasattr(_per_thread, "holidays"):
        _per_thread.holidays = holidays.country_holidays("US", subdiv="MN", language="en_US")
    return _per_thread.holidays


class ClinicCalendar:
    """Which dates the clinic is open, with the closure days read once from the database.

    Pass ``closure_days`` to use a known set (tests, migrations); otherwise they are read on first
    use, in one query.
    """

    def __init__(self, closure_days=None, closed_holidays=None):
        self._closure_days = None if closure_days is None else frozenset(closure_days)
        self.closed_holiday_names = tuple(
            settings.CLINIC_CLOSED_HOLIDAYS if closed_holidays is None else closed_holidays
        )
        self._public_holidays = public_holidays()

    @cached_property
    def closure_days(self):
        if self._closure_days is not None:
            return self._closure_days
        return recent_closure_days()

    def holiday_name(self, day):
        """The name of the holiday the clinic closes for on ``day``, or None."""
        for name in self._public_holidays.get_list(day):
            plain = name.removesuffix(" (observed)")
            if plain in self.closed_holiday_names:
                return name
        return None

    def is_business_day(self, day):
        return (
            day.weekday() < SATURDAY
            and day not in self.closure_days
            and self.holiday_name(day) is None
        )

    def next_business_day(self, day):
        """``day`` itself if the clinic is open then, else the next day it is."""
        for _ in range(SEARCH_LIMIT_DAYS):
            if self.is_business_day(day):
                return day
            day += ONE_DAY
        return day

    def previous_business_day(self, day):
        """``day`` itself if the clinic is open then, else the last day before it that was."""
        for _ in range(SEARCH_LIMIT_DAYS):
            if self.is_business_day(day):
                return day
            day -= ONE_DAY
        return day


# The closure days are read from the database at most this often per process; saving or deleting
# one in this process forgets them at once (ConsultationsConfig.ready), so staff see their change
# straight away and the other processes and servers within this many seconds.
RECENT_CLOSURE_DAYS_SECONDS = 30
RECENT_CLOSURE_DAYS_KEY = "consultations:recent-closure-days"


def recent_closure_days():
    days = cache.get(RECENT_CLOSURE_DAYS_KEY)
    if days is None:
        from .models import ClosureDay

        days = frozenset(ClosureDay.objects.values_list("date", flat=True))
        cache.set(RECENT_CLOSURE_DAYS_KEY, days, timeout=RECENT_CLOSURE_DAYS_SECONDS)
    return days


def forget_recent_closure_days(**kwargs):
    cache.delete(RECENT_CLOSURE_DAYS_KEY)


def clinic_calendar():
    return ClinicCalendar()


def to_local_naive(moment):
    return in_clinic_time(moment).replace(tzinfo=None)


def to_aware(local):
    return timezone.make_aware(local, timezone.get_default_timezone())


def clinic_date(moment):
    """The date on the clinic's wall calendar at ``moment``."""
    return to_local_naive(moment).date()


def add_business_days(moment, days, calendar=None):
    """The moment ``days`` business days after ``moment`` (the deadline for a call back)."""
    calendar = calendar or clinic_calendar()
    local = to_local_naive(moment)
    for _ in range(days):
        if not calendar.is_business_day(local.date()):
            local = datetime.combine(calendar.next_business_day(local.date()), time.min)
        local += ONE_DAY
        if not calendar.is_business_day(local.date()) and local.time() != time.min:
            # Past the end of the last open day: the rest carries over to the next open one.
            local = datetime.combine(calendar.next_business_day(local.date()), local.time())
    return to_aware(local)


def subtract_business_days(moment, days, calendar=None):
    """The latest moment from which ``days`` business days have passed by ``moment``.

    Anything received at or before the returned moment is at least ``days`` business days old;
    it is the inverse of :func:`add_business_days`, used to filter in the database.
    """
    if days <= 0:
        return moment
    calendar = calendar or clinic_calendar()
    local = to_local_naive(moment)
    if not calendar.is_business_day(local.date()):
        # A closed day does not count: it is still the end of the last open day.
        last_open = calendar.previous_business_day(local.date())
        local = datetime.combine(last_open + ONE_DAY, time.min)
    for _ in range(days):
        local -= ONE_DAY
        if not calendar.is_business_day(local.date()):
            local = datetime.combine(calendar.previous_business_day(local.date()), local.time())
    return to_aware(local)


def call_back_date(moment, days, calendar=None):
    """The last clinic date on which a call for a request received at ``moment`` is on time."""
    due = to_local_naive(add_business_days(moment, days, calendar))
    if due.time() == time.min:
        return due.date() - ONE_DAY
    return due.date()


def business_seconds_between(start, end, calendar=None):
    """Seconds of clinic opening hours on business days between two moments (0 if end ≤ start)."""
    if end <= start:
        return 0
    calendar = calendar or clinic_calendar()
    opens, closes = parse_opening_hours(settings.CLINIC_OPENING_HOURS)
    local_start, local_end = to_local_naive(start), to_local_naive(end)
    total = timedelta()
    day: date = local_start.date()
    while day <= local_end.date():
        if calendar.is_business_day(day):
            window_start = max(local_start, datetime.combine(day, opens))
            window_end = min(local_end, datetime.combine(day, closes))
            if window_end > window_start:
                total += window_end - window_start
        day += ONE_DAY
    return int(total.total_seconds())


def promised_call_date(received, days, windows, calendar=None):
    """The clinic date by which the patient can expect the call: the last business day with one
    of their chosen time windows (``(start, end)`` times) open after ``received`` and starting
    before the call-back deadline. Without windows, the deadline's own date."""
    calendar = calendar or clinic_calendar()
    deadline = to_local_naive(add_business_days(received, days, calendar))
    local_received = to_local_naive(received)
    day = deadline.date()
    while day >= local_received.date():
        if calendar.is_business_day(day):
            for start, end in windows:
                opens, closes = datetime.combine(day, start), datetime.combine(day, end)
                if opens < deadline and closes > local_received:
                    return day
        day -= ONE_DAY
    return call_back_date(received, days, calendar)
