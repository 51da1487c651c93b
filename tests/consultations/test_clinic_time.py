"""Times in the clinic's words: the same text as Django's own date formatting, in both languages."""

import datetime

import pytest
from django.utils import formats, translation

from consultations.clinic_time import clinic_time, in_clinic_time


def moments():
    """Every 37 minutes through a year, both daylight saving changes, midnights and noons."""
    start = datetime.datetime(2026, 1, 1, 5, 0, 17, tzinfo=datetime.UTC)
    return [start + datetime.timedelta(minutes=37 * step) for step in range(14_300)]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("format_name", ["DATETIME_FORMAT", "DATE_FORMAT", "TIME_FORMAT"])
def test_clinic_time_reads_as_django_formats_it(language, format_name):
    """Month names, a.m./p.m., "noon" and "midnight" come out as date_format gives them."""
    with translation.override(language):
        for moment in moments():
            expected = formats.date_format(in_clinic_time(moment), format_name)
            assert clinic_time(moment, format_name) == expected, moment


def test_clinic_time_in_spanish():
    moment = datetime.datetime(2026, 11, 25, 15, 14, tzinfo=datetime.UTC)
    assert clinic_time(moment) == "Nov. 25, 2026, 9:14 a.m."
    with translation.override("es"):
        assert clinic_time(moment) == "25 de noviembre de 2026 a las 09:14"


def test_a_format_with_seconds_is_left_to_django(settings):
    """A format showing more than the minute is formatted by Django whole, seconds included."""
    settings.DATETIME_FORMAT = "Y-m-d H:i:s"
    moment = datetime.datetime(2026, 11, 25, 15, 14, 9, tzinfo=datetime.UTC)
    with translation.override(None):
        assert clinic_time(moment) == formats.date_format(in_clinic_time(moment), "DATETIME_FORMAT")
        assert clinic_time(moment).endswith(":09")
