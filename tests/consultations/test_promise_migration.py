"""The data migration fills the new fields of requests stored before them."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from consultations.models import CallAttempt, ConsultationRequest, number_key

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
migration = importlib.import_module("consultations.migrations.0007_backfill_call_back_promise")


def test_existing_requests_get_their_phone_key_and_first_call(make_consultation, settings):
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"
    called = make_consultation(created_at=datetime(2026, 11, 20, 16, tzinfo=CHICAGO))
    for hour, outcome in ((12, "reached"), (10, "no_answer")):
        CallAttempt.objects.create(
            request=called,
            called_at=datetime(2026, 11, 23, hour, tzinfo=CHICAGO),
            outcome=outcome,
        )
    waiting = make_consultation(phone="+16125550111")
    # As stored before the fields existed.
    ConsultationRequest.objects.update(
        phone_key="",
        first_called_at=None,
        business_seconds_to_first_call=None,
        first_call_on_time=None,
    )

    migration.backfill(apps, None)

    called.refresh_from_db()
    waiting.refresh_from_db()
    assert called.phone_key == number_key("+16515550123")
    # The earliest call counts: Friday 16:00 to Monday 10:00 is two opening hours.
    assert called.first_called_at == datetime(2026, 11, 23, 10, tzinfo=CHICAGO)
    assert called.business_seconds_to_first_call == 7200
    assert called.first_call_on_time is True
    assert waiting.phone_key == number_key("+16125550111")
    assert waiting.first_called_at is None and waiting.business_seconds_to_first_call is None
