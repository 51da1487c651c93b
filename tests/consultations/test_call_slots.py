"""Bookable call times: opening hours, business days, holidays, closure days, DST, capacity and
blocked times."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consultations.models import BlockedTime, CallCapacity, ClosureDay
from consultations.slots import SlotBook, describe_slot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_settings")]

CHICAGO = ZoneInfo("America/Chicago")
UTC = ZoneInfo("UTC")


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


def times_on(book, day):
    found = book.day(day)
    assert found is not None and found.date == day
    return [slot.astimezone(CHICAGO).strftime("%H:%M") for slot in found.slots]


def test_slots_fill_the_opening_hours_from_two_business_hours_ahead():
    book = SlotBook(now=local(2026, 11, 30, 8, 0))  # a Monday, before opening
    assert times_on(book, date(2026, 11, 30))[:2] == ["11:00", "11:15"]
    assert times_on(book, date(2026, 11, 30))[-1] == "16:45"
    assert len(times_on(book, date(2026, 12, 1))) == 32
    assert times_on(book, date(2026, 12, 1))[0] == "09:00"


def test_business_hours_ahead_carry_over_the_evening_and_a_holiday():
    # Wednesday before Thanksgiving at 4 pm: one business hour left that day, Thursday closed.
    book = SlotBook(now=local(2026, 11, 25, 16, 0))
    assert [day.date for day in book.days][:2] == [date(2026, 11, 27), date(2026, 11, 30)]
    assert times_on(book, date(2026, 11, 27))[0] == "10:00"


def test_weekends_holidays_and_closure_days_offer_no_times():
    ClosureDay.objects.create(date=date(2026, 12, 23), reason="Staff training")
    book = SlotBook(now=local(2026, 12, 18, 9, 0))
    dates = [day.date for day in book.days]
    assert date(2026, 12, 19) not in dates  # Saturday
    assert date(2026, 12, 23) not in dates  # closure day
    assert date(2026, 12, 25) not in dates  # Christmas
    assert date(2026, 12, 24) in dates
    assert date(2027, 1, 1) not in dates  # New Year's Day


def test_bookable_days_stop_after_the_set_number_of_business_days(settings):
    settings.CONSULTATION_BOOKING_BUSINESS_DAYS = 3
    book = SlotBook(now=local(2026, 12, 4, 9, 0))  # a Friday
    assert [day.date for day in book.days] == [
        date(2026, 12, 4),
        date(2026, 12, 7),
        date(2026, 12, 8),
    ]


def test_slots_keep_the_clinic_clock_across_the_daylight_saving_change():
    # Daylight saving time ends on Sunday 1 November 2026.
    book = SlotBook(now=local(2026, 10, 29, 7, 0))
    friday = book.day(date(2026, 10, 30)).slots[0]
    monday = book.day(date(2026, 11, 2)).slots[0]
    assert friday.astimezone(CHICAGO).hour == monday.astimezone(CHICAGO).hour == 9
    assert friday.astimezone(UTC).hour == 14  # CDT, UTC-5
    assert monday.astimezone(UTC).hour == 15  # CST, UTC-6


def test_opening_hours_and_slot_length_are_settings(settings):
    settings.CLINIC_OPENING_HOURS = "10:00-12:00"
    settings.CONSULTATION_CALL_SLOT_MINUTES = 30
    book = SlotBook(now=local(2026, 11, 30, 8, 0))
    assert times_on(book, date(2026, 12, 1)) == ["10:00", "10:30", "11:00", "11:30"]


def test_a_slot_is_full_at_the_day_capacity(make_consultation):
    CallCapacity.objects.create(date=date(2026, 12, 1), calls_per_slot=2)
    CallCapacity.objects.create(date=date(2026, 12, 2), calls_per_slot=0)
    ten = local(2026, 12, 1, 10, 0)
    make_consultation(call_at=ten)
    book = SlotBook(now=local(2026, 11, 30, 8, 0))
    assert book.is_free(ten)
    assert book.day(date(2026, 12, 2)).date != date(2026, 12, 2)  # no times on a 0-capacity day
    make_consultation(call_at=ten, phone="+16515550124")
    book = SlotBook(now=local(2026, 11, 30, 8, 0))
    assert not book.is_free(ten)
    assert book.is_free(ten + timedelta(minutes=15))


def test_the_default_capacity_is_a_setting(settings, make_consultation):
    settings.CONSULTATION_CALLS_PER_SLOT = 2
    ten = local(2026, 12, 1, 10, 0)
    make_consultation(call_at=ten)
    assert SlotBook(now=local(2026, 11, 30, 8, 0)).is_free(ten)


def test_blocked_times_remove_every_slot_they_touch():
    BlockedTime.objects.create(
        starts_at=local(2026, 12, 1, 13, 0), ends_at=local(2026, 12, 1, 14, 5), reason="Meeting"
    )
    times = times_on(SlotBook(now=local(2026, 11, 30, 8, 0)), date(2026, 12, 1))
    assert "12:45" in times and "14:15" in times
    assert not {"13:00", "13:15", "13:30", "13:45", "14:00"} & set(times)


def test_the_form_page_reads_slots_in_four_queries(django_assert_num_queries):
    """Closure days, capacities, blocked times, bookings: the same four however many days."""
    with django_assert_num_queries(4):
        book = SlotBook(now=local(2026, 11, 30, 8, 0))
    assert len(book.days) == 10


def test_a_slot_is_described_with_its_day_and_zone():
    described = describe_slot(local(2026, 12, 1, 10, 15))
    assert described == "Tuesday, December 1 at 10:15 a.m. Central time"
