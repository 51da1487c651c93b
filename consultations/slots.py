"""Bookable call times: slots inside the clinic's opening hours on business days.

A slot is CONSULTATION_CALL_SLOT_MINUTES long and starts on the clinic's wall clock
(``CLINIC_OPENING_HOURS``), so it stays at 9:00 Central across daylight-saving changes. It is
bookable when it starts at least CONSULTATION_BOOKING_MIN_BUSINESS_HOURS business hours from now,
falls within CONSULTATION_BOOKING_BUSINESS_DAYS business days, overlaps no blocked time, and holds
fewer bookings than the day's capacity (a ``CallCapacity`` row, else CONSULTATION_CALLS_PER_SLOT).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from .business_days import (
    ONE_DAY,
    clinic_calendar,
    clinic_date,
    parse_opening_hours,
    to_aware,
    to_local_naive,
)
from .clinic_time import in_clinic_time


def slot_length():
    return timedelta(minutes=settings.CONSULTATION_CALL_SLOT_MINUTES)


def day_bounds(day):
    """The first moment of ``day`` and of the next, clinic time (aware)."""
    start = to_aware(datetime.combine(day, datetime.min.time()))
    return start, to_aware(datetime.combine(day + ONE_DAY, datetime.min.time()))


def day_slots(day):
    """Every slot start on ``day`` (clinic time, aware), business day or not. (Aware arithmetic
    keeps the wall clock, and opening hours never span a daylight-saving change.)"""
    opens, closes = parse_opening_hours(settings.CLINIC_OPENING_HOURS)
    length = slot_length()
    count = (datetime.combine(day, closes) - datetime.combine(day, opens)) // length
    first = to_aware(datetime.combine(day, opens))
    return [first + length * number for number in range(count)]


def earliest_bookable(now, calendar):
    """The moment CONSULTATION_BOOKING_MIN_BUSINESS_HOURS of opening hours after ``now``."""
    opens, closes = parse_opening_hours(settings.CLINIC_OPENING_HOURS)
    remaining = timedelta(hours=settings.CONSULTATION_BOOKING_MIN_BUSINESS_HOURS)
    local = to_local_naive(now)
    day = local.date()
    for _step in range(400):
        if calendar.is_business_day(day):
            window_start = max(local, datetime.combine(day, opens))
            window_end = datetime.combine(day, closes)
            if window_end > window_start:
                if window_end - window_start >= remaining:
                    return to_aware(window_start + remaining)
                remaining -= window_end - window_start
        day += ONE_DAY
        local = datetime.combine(day, opens)
    return to_aware(local)


def bookable_dates(now, calendar):
    """The business days patients may book on, from today on."""
    day = clinic_date(now)
    dates = []
    for _step in range(400):
        if len(dates) >= settings.CONSULTATION_BOOKING_BUSINESS_DAYS:
            break
        if calendar.is_business_day(day):
            dates.append(day)
        day += ONE_DAY
    return dates


@dataclass
class BookableDay:
    date: date
    slots: list = field(default_factory=list)


class SlotBook:
    """The bookable slots as of ``now``: four queries (closure days, capacities, blocked times,
    bookings) however many days are shown."""

    def __init__(self, now=None, calendar=None):
        from .models import BlockedTime, CallCapacity, ConsultationRequest

        self.unavailable = False
        self.now = now or timezone.now()
        self.calendar = calendar or clinic_calendar()
        self.dates = bookable_dates(self.now, self.calendar)
        self.earliest = earliest_bookable(self.now, self.calendar)
        if not self.dates:
            self.days = []
            return
        first = to_aware(datetime.combine(self.dates[0], datetime.min.time()))
        last = to_aware(datetime.combine(self.dates[-1] + ONE_DAY, datetime.min.time()))
        self.capacity = dict(
            CallCapacity.objects.filter(date__in=self.dates).values_list("date", "calls_per_slot")
        )
        self.blocked = list(
            BlockedTime.objects.filter(starts_at__lt=last, ends_at__gt=first).values_list(
                "starts_at", "ends_at"
            )
        )
        self.booked = dict(
            ConsultationRequest.objects.filter(call_at__gte=first, call_at__lt=last)
            .order_by()
            .values("call_at")
            .annotate(count=models.Count("pk"))
            .values_list("call_at", "count")
        )
        self.days = [BookableDay(day, self._free_on(day)) for day in self.dates]
        self.days = [day for day in self.days if day.slots]

    @classmethod
    def unavailable_now(cls):
        """No times to offer because the database cannot be read: the form still works."""
        book = cls.__new__(cls)
        book.unavailable, book.days = True, []
        return book

    def calls_per_slot(self, day):
        return self.capacity.get(day, settings.CONSULTATION_CALLS_PER_SLOT)

    def _is_blocked(self, start, length):
        end = start + length
        return any(begin < end and until > start for begin, until in self.blocked)

    def _free_on(self, day):
        capacity = self.calls_per_slot(day)
        if capacity <= 0:
            return []
        length = slot_length()
        return [
            start
            for start in day_slots(day)
            if start >= self.earliest
            and self.booked.get(start, 0) < capacity
            and not (self.blocked and self._is_blocked(start, length))
        ]

    def free_slots(self):
        return [slot for day in self.days for slot in day.slots]

    @property
    def shown(self):
        """Everything about the free times a page can show: equal for two books exactly when
        they offer the same times (or both none, read or not)."""
        return (self.unavailable, tuple((day.date, tuple(day.slots)) for day in self.days))

    def is_free(self, slot):
        wanted = clinic_date(slot)
        return any(slot in day.slots for day in self.days if day.date == wanted)

    def day(self, wanted):
        """The bookable day ``wanted`` (a date), else the first one; None when nothing is free."""
        for day in self.days:
            if day.date == wanted:
                return day
        return self.days[0] if self.days else None

    def neighbours(self, day):
        """The bookable days before and after ``day`` (either may be None)."""
        index = [d.date for d in self.days].index(day.date)
        earlier = self.days[index - 1] if index > 0 else None
        later = self.days[index + 1] if index + 1 < len(self.days) else None
        return earlier, later

    def next_free(self, count=3):
        return self.free_slots()[:count]


# The free times the patient's form shows are worked out at most this often per process. Saving
# or deleting a booking, blocked time, capacity or closure day in this process forgets them at
# once (ConsultationsConfig.ready), so that process shows the change straight away and the others
# within this many seconds. Only what the form offers can be this old: a booking is checked
# against the database when it is stored (services.submit_request), and a time taken meanwhile
# gets the "that time was just taken" page.
SHOWN_FREE_TIMES_SECONDS = 5


class RecentSlotBook:
    """The SlotBook the patient's form shows, kept for SHOWN_FREE_TIMES_SECONDS."""

    def __init__(self):
        self._book = None

    def get(self):
        book, now = self._book, timezone.now()
        if book is None or not book.now <= now < book.now + self.max_age():
            book = self._book = SlotBook(now=now)
        return book

    @staticmethod
    def max_age():
        return timedelta(seconds=SHOWN_FREE_TIMES_SECONDS)

    def forget(self, **kwargs):
        self._book = None


recent_slot_book = RecentSlotBook()


# The clinic's time zone (TIME_ZONE, America/Chicago) as patients know it.
ZONE_NAME = _("Central time")


def slot_time(slot):
    """ "10:15 a.m." on the clinic's clock."""
    local = in_clinic_time(slot)
    return _time_label(get_language(), local.hour, local.minute)


@lru_cache(maxsize=512)
def _time_label(language, hour, minute):
    # The same few dozen labels on every form page: formatted once per language.
    return formats.time_format(time(hour, minute), "TIME_FORMAT")


def slot_day(day):
    # The day in the language's own word order: "Tuesday, December 1", "martes 1 de diciembre".
    return formats.date_format(day, pgettext("weekday and date", "l, F j"))


def describe_slot(slot):
    """ "Tuesday, December 1 at 10:15 a.m. Central time": what patients are shown and sent."""
    return _("%(day)s at %(time)s %(zone)s") % {
        "day": slot_day(clinic_date(slot)),
        "time": slot_time(slot),
        "zone": ZONE_NAME,
    }
