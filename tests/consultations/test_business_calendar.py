"""Business days that match the clinic: closed holidays, closure days, opening hours, DST."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from consultations.business_days import (
    ClinicCalendar,
    add_business_days,
    business_seconds_between,
    call_back_date,
    promised_call_date,
    subtract_business_days,
)
from consultations.models import ClosureDay

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
HOUR = 3600


@pytest.fixture(autouse=True)
def clinic_settings(settings):
    settings.TIME_ZONE = "America/Chicago"
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Thanksgiving (Thursday 26 November 2026): Wednesday's request is due Friday.
        (local(2026, 11, 25, 10, 0), local(2026, 11, 27, 10, 0)),
        # The eve of Christmas (Thursday 24 December): due Monday 28th, Christmas skipped.
        (local(2026, 12, 24, 15, 0), local(2026, 12, 28, 15, 0)),
        # A request on Christmas Day itself starts its clock on Monday: due by its end.
        (local(2026, 12, 25, 9, 0), local(2026, 12, 29, 0, 0)),
        # New Year's Eve (Thursday) → Monday 4 January; New Year's Day is closed.
        (local(2026, 12, 31, 23, 30), local(2027, 1, 4, 23, 30)),
        # Independence Day 2026 is a Saturday, observed on Friday 3 July.
        (local(2026, 7, 2, 11, 0), local(2026, 7, 6, 11, 0)),
        # Memorial Day (Monday 25 May): Friday's request is due Tuesday.
        (local(2026, 5, 22, 16, 0), local(2026, 5, 26, 16, 0)),
    ],
)
def test_closed_holidays_are_skipped(received, due):
    assert add_business_days(received, 1) == due
    # ...and the inverse agrees: at the deadline the request counts as overdue, a second
    # before it does not.
    assert received <= subtract_business_days(due, 1)
    assert received > subtract_business_days(due - timedelta(seconds=1), 1)


def test_holidays_the_clinic_stays_open_on_count_as_business_days():
    # Veterans Day (Wednesday 11 November) is a public holiday but not in the default list.
    assert add_business_days(local(2026, 11, 10, 10, 0), 1) == local(2026, 11, 11, 10, 0)


def test_the_holiday_list_is_a_setting(settings):
    settings.CLINIC_CLOSED_HOLIDAYS = ["Veterans Day"]
    assert add_business_days(local(2026, 11, 10, 10, 0), 1) == local(2026, 11, 12, 10, 0)
    # Thanksgiving is no longer closed.
    assert add_business_days(local(2026, 11, 25, 10, 0), 1) == local(2026, 11, 26, 10, 0)


def test_closure_days_added_by_staff_are_skipped():
    ClosureDay.objects.create(date=date(2026, 12, 1), reason="Staff training")
    assert add_business_days(local(2026, 11, 30, 14, 0), 1) == local(2026, 12, 2, 14, 0)
    assert subtract_business_days(local(2026, 12, 2, 14, 0), 1) == local(2026, 11, 30, 14, 0)


def test_a_request_is_overdue_only_after_closure_days(make_consultation):
    ClosureDay.objects.create(date=date(2026, 12, 1))
    consultation = make_consultation(created_at=local(2026, 11, 30, 14, 0))
    still_due = local(2026, 12, 2, 13, 59)
    late = local(2026, 12, 2, 14, 0)
    assert not consultation.__class__.objects.overdue(still_due).exists()
    assert list(consultation.__class__.objects.overdue(late)) == [consultation]


def test_daylight_saving_and_a_holiday_together():
    # Clocks go back on Sunday 1 November; the wall clock is kept across it.
    assert add_business_days(local(2026, 10, 30, 16, 0), 1) == local(2026, 11, 2, 16, 0)
    # Clocks go forward on Sunday 8 March 2026: still the same wall-clock time on Monday.
    assert add_business_days(local(2026, 3, 6, 9, 30), 1) == local(2026, 3, 9, 9, 30)


def test_add_and_subtract_agree_around_holidays_and_closures():
    """Overdue exactly when the deadline has passed, hour by hour over Thanksgiving week and
    a closure day, for one and two business days."""
    ClosureDay.objects.create(date=date(2026, 12, 2))
    calendar = ClinicCalendar()
    start = local(2026, 11, 21, 0, 0)
    moments = [start + timedelta(hours=h) for h in range(0, 24 * 16)]
    for days in (1, 2):
        for now in moments[::5]:
            cutoff = subtract_business_days(now, days, calendar)
            for received in moments[::3]:
                overdue = received <= cutoff
                assert overdue == (add_business_days(received, days, calendar) <= now), (
                    received,
                    now,
                    days,
                )


def test_business_time_counts_opening_hours_on_business_days_only():
    # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
    assert business_seconds_between(local(2026, 11, 20, 16, 0), local(2026, 11, 23, 10, 0)) == (
        2 * HOUR
    )
    # Before opening to after closing on one day: the whole day.
    assert business_seconds_between(local(2026, 11, 23, 7, 0), local(2026, 11, 23, 20, 0)) == (
        8 * HOUR
    )
    # Wednesday 16:30 before Thanksgiving to Friday 9:15: 30 + 15 minutes.
    assert business_seconds_between(local(2026, 11, 25, 16, 30), local(2026, 11, 27, 9, 15)) == (
        45 * 60
    )
    # Over the weekend only: nothing.
    assert business_seconds_between(local(2026, 11, 21, 8, 0), local(2026, 11, 22, 18, 0)) == 0


def test_business_time_across_the_daylight_saving_change():
    # Friday 30 October 16:00 to Monday 2 November 10:00, clocks going back on the Sunday.
    assert business_seconds_between(local(2026, 10, 30, 16, 0), local(2026, 11, 2, 10, 0)) == (
        2 * HOUR
    )


def test_opening_hours_are_a_setting(settings):
    settings.CLINIC_OPENING_HOURS = "08:30-12:00"
    assert business_seconds_between(local(2026, 11, 23, 8, 0), local(2026, 11, 23, 17, 0)) == (
        3.5 * HOUR
    )


def test_call_back_date_says_which_day_a_midnight_deadline_ends():
    # Saturday's request is due by the end of Monday: the date is Monday.
    assert call_back_date(local(2026, 11, 28, 10, 0), 1) == date(2026, 11, 30)
    assert call_back_date(local(2026, 11, 30, 10, 0), 1) == date(2026, 12, 1)


MORNING = (time(8), time(11))
EVENING = (time(17), time(19))


def test_promised_date_follows_the_times_chosen():
    monday_ten = local(2026, 11, 30, 10, 0)  # due Tuesday 10:00
    # Mornings: Tuesday morning starts before the deadline.
    assert promised_call_date(monday_ten, 1, [MORNING]) == date(2026, 12, 1)
    # Evenings only: the last evening before the deadline is Monday's.
    assert promised_call_date(monday_ten, 1, [EVENING]) == date(2026, 11, 30)
    # Wednesday evening before Thanksgiving, evenings only: due Friday 18:00, Friday evening.
    assert promised_call_date(local(2026, 11, 25, 18, 0), 1, [EVENING]) == date(2026, 11, 27)
