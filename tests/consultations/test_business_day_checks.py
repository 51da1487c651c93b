"""Start-up checks for the business-day settings."""

from consultations.checks import business_day_settings


def ids(problems):
    return [problem.id for problem in problems]


def test_the_defaults_pass():
    assert business_day_settings(None) == []


def test_unreadable_opening_hours_are_an_error(settings):
    settings.CLINIC_OPENING_HOURS = "9 to 5"
    assert ids(business_day_settings(None)) == ["consultations.E001"]
    settings.CLINIC_OPENING_HOURS = "17:00-09:00"
    assert ids(business_day_settings(None)) == ["consultations.E001"]


def test_an_unknown_holiday_name_is_a_warning(settings):
    settings.CLINIC_CLOSED_HOLIDAYS = ["Thanksgiving Day", "Thanksgiving"]
    (problem,) = business_day_settings(None)
    assert problem.id == "consultations.W005" and "'Thanksgiving'" in problem.msg
