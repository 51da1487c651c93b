import pytest


@pytest.fixture
def booking_settings(settings):
    """Bookable call times as the booking tests expect them: 15-minute slots from 9 to 5,
    Central time, from two business hours ahead for ten business days, one call per slot."""
    settings.TIME_ZONE = "America/Chicago"
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"
    settings.CONSULTATION_CALL_SLOT_MINUTES = 15
    settings.CONSULTATION_BOOKING_MIN_BUSINESS_HOURS = 2
    settings.CONSULTATION_BOOKING_BUSINESS_DAYS = 10
    settings.CONSULTATION_CALLS_PER_SLOT = 1
    return settings


@pytest.fixture
def consultation_data():
    """A complete, valid consultation form submission, as a browser posts it."""
    return {
        "name": "Jordan Rivera",
        "phone": "(651) 555-0123",
        "email": "jordan@example.com",
        "best_times": ["morning", "evening"],
        "voicemail_ok": "no",
        "note": "Please ask for Jordan.",
        "heard_about": "clinician",
        "consent": "on",
    }
