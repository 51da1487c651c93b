import pytest


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
