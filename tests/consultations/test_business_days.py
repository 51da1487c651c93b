from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consultations.business_days import add_business_days, subtract_business_days
from consultations.models import ConsultationRequest

CHICAGO = ZoneInfo("America/Chicago")

# Closure days staff add are read from the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clinic_time_zone(settings):
    settings.TIME_ZONE = "America/Chicago"


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (local(2026, 11, 23, 9, 0), local(2026, 11, 24, 9, 0)),  # Monday → Tuesday
        (local(2026, 11, 27, 16, 30), local(2026, 11, 30, 16, 30)),  # Friday → Monday
        (local(2026, 11, 28, 10, 0), local(2026, 12, 1, 0, 0)),  # Saturday → end of Monday
        (local(2026, 11, 29, 23, 0), local(2026, 12, 1, 0, 0)),  # Sunday → end of Monday
    ],
)
def test_one_business_day_skips_the_weekend(received, due):
    assert add_business_days(received, 1) == due


def test_two_business_days_from_friday_morning():
    assert add_business_days(local(2026, 11, 27, 8, 0), 2) == local(2026, 12, 1, 8, 0)


def test_daylight_saving_weekend_keeps_the_wall_clock():
    # US clocks go back on Sunday 1 November 2026.
    assert add_business_days(local(2026, 10, 30, 10, 0), 1) == local(2026, 11, 2, 10, 0)


def test_add_and_subtract_agree_hour_by_hour():
    """A request is overdue exactly when its call-back deadline has passed, on every hour of
    two weeks around a daylight-saving change, for one to three business days."""
    start = local(2026, 10, 26, 0, 0)
    moments = [start + timedelta(hours=h) for h in range(0, 24 * 14, 1)]
    for days in (1, 2, 3):
        for now in moments[::7]:
            cutoff = subtract_business_days(now, days)
            for received in moments:
                if received > now:
                    break
                overdue = received <= cutoff
                assert overdue == (add_business_days(received, days) <= now), (days, received, now)


@pytest.mark.django_db
def test_is_overdue_annotation_matches_the_deadline(make_consultation, settings):
    settings.CONSULTATION_OVERDUE_BUSINESS_DAYS = 1
    now = timezone.now()
    received = subtract_business_days(now, 1)
    on_the_line = make_consultation(created_at=received)
    just_in_time = make_consultation(created_at=received + timedelta(seconds=1))

    flags = dict(ConsultationRequest.objects.with_call_summary(now).values_list("pk", "is_overdue"))

    assert flags == {on_the_line.pk: True, just_in_time.pk: False}
    assert on_the_line.call_due_at <= now < just_in_time.call_due_at


@pytest.mark.django_db
def test_scheduled_and_closed_requests_are_never_overdue(make_consultation):
    long_ago = timezone.now() - timedelta(days=30)
    make_consultation(created_at=long_ago, status=ConsultationRequest.Status.SCHEDULED)
    make_consultation(created_at=long_ago, status=ConsultationRequest.Status.NOT_A_FIT)
    contacting = make_consultation(
        created_at=long_ago, status=ConsultationRequest.Status.CONTACTING
    )

    assert list(ConsultationRequest.objects.overdue()) == [contacting]
