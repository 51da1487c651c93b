"""The requests the list misses: cadence, same number, "stop contacting", phone-in requests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from consultations import audit
from consultations.models import (
    AuditEntry,
    CallAttempt,
    ConsultationRequest,
    DoNotContact,
    number_key,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
ADD = reverse("admin:consultations_consultationrequest_add")
Outcome = CallAttempt.Outcome
Status = ConsultationRequest.Status


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


def change_url(consultation):
    return reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])


def log_calls(consultation, *calls):
    for called_at, outcome in calls:
        CallAttempt.objects.create(request=consultation, called_at=called_at, outcome=outcome)


def action(client, name, *consultations, **extra):
    return client.post(
        f"{CHANGELIST}?status=all",
        {"action": name, "_selected_action": [c.pk for c in consultations], **extra},
        follow=True,
    )


# --- call cadence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calls", "ready"),
    [
        # Three unanswered calls over two days: ready to close.
        (
            [
                (local(2026, 11, 23, 10), Outcome.NO_ANSWER),
                (local(2026, 11, 23, 15), Outcome.LEFT_VOICEMAIL),
                (local(2026, 11, 24, 10), Outcome.WRONG_NUMBER),
            ],
            True,
        ),
        # Three on the same day: not yet.
        (
            [
                (local(2026, 11, 23, 9), Outcome.NO_ANSWER),
                (local(2026, 11, 23, 12), Outcome.NO_ANSWER),
                (local(2026, 11, 23, 16), Outcome.NO_ANSWER),
            ],
            False,
        ),
        # Two unanswered over two days: not yet.
        (
            [
                (local(2026, 11, 23, 9), Outcome.NO_ANSWER),
                (local(2026, 11, 24, 9), Outcome.NO_ANSWER),
            ],
            False,
        ),
        # Reached once: never "not reached".
        (
            [
                (local(2026, 11, 23, 9), Outcome.NO_ANSWER),
                (local(2026, 11, 23, 14), Outcome.REACHED),
                (local(2026, 11, 24, 9), Outcome.NO_ANSWER),
                (local(2026, 11, 25, 9), Outcome.NO_ANSWER),
            ],
            False,
        ),
        # "Call later" means they answered: not counted.
        (
            [
                (local(2026, 11, 23, 9), Outcome.CALL_LATER),
                (local(2026, 11, 23, 14), Outcome.CALL_LATER),
                (local(2026, 11, 24, 9), Outcome.NO_ANSWER),
            ],
            False,
        ),
        # 23:30 and 00:30 clinic time are two different clinic days (UTC would call them one).
        (
            [
                (local(2026, 11, 23, 18, 0), Outcome.NO_ANSWER),
                (local(2026, 11, 23, 23, 30), Outcome.NO_ANSWER),
                (local(2026, 11, 24, 0, 30), Outcome.NO_ANSWER),
            ],
            True,
        ),
    ],
)
def test_ready_to_close_after_unanswered_calls_on_two_days(make_consultation, calls, ready):
    consultation = make_consultation(created_at=local(2026, 11, 22, 9), status=Status.CONTACTING)
    log_calls(consultation, *calls)
    assert ConsultationRequest.objects.not_reached().filter(pk=consultation.pk).exists() is ready


def test_the_number_of_calls_is_a_setting(settings, make_consultation):
    settings.CONSULTATION_UNANSWERED_CALLS_TO_CLOSE = 2
    consultation = make_consultation(status=Status.CONTACTING)
    log_calls(
        consultation,
        (local(2026, 11, 23, 10), Outcome.NO_ANSWER),
        (local(2026, 11, 24, 10), Outcome.NO_ANSWER),
    )
    assert list(ConsultationRequest.objects.not_reached()) == [consultation]


def test_close_as_not_reached_closes_only_those_ready(admin_client, make_consultation):
    ready = make_consultation(status=Status.CONTACTING)
    log_calls(
        ready,
        (local(2026, 11, 23, 10), Outcome.NO_ANSWER),
        (local(2026, 11, 23, 14), Outcome.NO_ANSWER),
        (local(2026, 11, 24, 10), Outcome.LEFT_VOICEMAIL),
    )
    not_ready = make_consultation(status=Status.CONTACTING, phone="+16515550124")
    log_calls(not_ready, (local(2026, 11, 23, 10), Outcome.NO_ANSWER))

    listing = admin_client.get(CHANGELIST)
    assert "Ready to close: not reached" in listing.text
    filtered = admin_client.get(f"{CHANGELIST}?not_reached=yes")
    assert [obj.pk for obj in filtered.context["cl"].result_list] == [ready.pk]

    response = action(admin_client, "close_not_reached", ready, not_ready)

    assert "1 request closed as could not be reached." in response.text
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert (ready.status, ready.close_reason) == (Status.CLOSED, "unreachable")
    assert not_ready.status == Status.CONTACTING
    entry = AuditEntry.objects.get(request_id=ready.pk, action=AuditEntry.Action.CHANGED)
    assert entry.via == "admin action: close as not reached"


# --- same number -----------------------------------------------------------------------------


@pytest.mark.parametrize("earlier_status", list(Status))
def test_a_number_that_asked_before_is_shown_whatever_its_status(
    admin_client, make_consultation, earlier_status
):
    earlier = make_consultation(
        status=earlier_status,
        close_reason="other" if earlier_status == Status.CLOSED else "",
        created_at=local(2026, 6, 1, 10),
    )
    later = make_consultation()
    other_number = make_consultation(phone="+16125550188")

    page = admin_client.get(change_url(later))
    assert f"#{earlier.pk}" in page.text and change_url(earlier) in page.text
    assert "Also asked on" in page.text
    listing = admin_client.get(f"{CHANGELIST}?status=all")
    flags = {obj.pk: obj.same_number_count for obj in listing.context["cl"].result_list}
    assert flags[later.pk] == 1 and flags[other_number.pk] == 0
    assert "Same number: 1 other request" in listing.text


def test_requests_older_than_the_window_are_not_linked(settings, admin_client, make_consultation):
    settings.CONSULTATION_SAME_NUMBER_DAYS = 30
    old = make_consultation(created_at=datetime.now(CHICAGO) - timedelta(days=40))
    later = make_consultation()
    page = admin_client.get(change_url(later))
    assert change_url(old) not in page.text
    assert "No other request from this number" in page.text


def test_close_as_duplicate_of_the_earlier_request(admin_client, make_consultation):
    earlier = make_consultation(created_at=local(2026, 11, 2, 10))
    later = make_consultation()
    alone = make_consultation(phone="+16125550177")

    response = action(admin_client, "close_duplicates", later, alone)

    assert "1 request closed as a duplicate." in response.text
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert (later.status, later.close_reason) == (Status.CLOSED, "duplicate")
    assert earlier.status == Status.NEW
    entry = AuditEntry.objects.get(request_id=later.pk)
    assert {"field": "duplicate_of", "old": None, "new": earlier.pk} in entry.changes
    assert f"Duplicate of request: — → #{earlier.pk}" in audit.describe(entry.changes)
    assert ConsultationRequest.objects.get(pk=alone.pk).status == Status.NEW


# --- stop contacting -------------------------------------------------------------------------


def test_stop_contacting_closes_and_flags_the_number_beyond_the_purge(
    settings, intake_client, intake_user, make_consultation
):
    first = make_consultation(phone="+16515550150")

    action(intake_client, "stop_contacting", first)

    first.refresh_from_db()
    assert (first.status, first.close_reason) == (Status.CLOSED, "asked_not_to_call")
    flag = DoNotContact.objects.get()
    assert flag.recorded_by == intake_user and flag.request_id == first.pk
    assert flag.number_key == number_key("+16515550150")
    assert "5550150" not in flag.number_key

    # The first request's personal data is removed; the flag stays.
    settings.CONSULTATION_RETENTION_DAYS = 0
    call_command("purge_consultation_requests", stdout=open("/dev/null", "w"))
    first.refresh_from_db()
    assert first.phone == "" and first.personal_data_purged_at is not None
    assert DoNotContact.objects.count() == 1

    later = make_consultation(phone="+16515550150")
    page = intake_client.get(change_url(later))
    assert "This number asked not to be called. Do not call it." in page.text
    listing = intake_client.get(CHANGELIST)
    assert "Asked not to be called" in listing.text


# --- phone-in and walk-in requests -------------------------------------------------------------


def staff_form(**overrides):
    return {
        "source": "phone",
        "name": "Sam Lee",
        "phone": "651 555 0166",
        "email": "",
        "best_times": ["afternoon"],
        "voicemail_ok": "yes",
        "note": "",
        "heard_about": "friend",
        "consent": "on",
        **overrides,
    }


def test_intake_staff_add_a_phone_in_request(intake_client, intake_user):
    response = intake_client.post(ADD, staff_form())

    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(consultation)
    assert consultation.source == "phone" and consultation.phone == "+16515550166"
    assert consultation.entered_by == intake_user
    assert consultation.consent_confirmed_by == intake_user
    assert consultation.status == Status.NEW
    entry = AuditEntry.objects.get(request_id=consultation.pk, user=intake_user)
    assert entry.action == AuditEntry.Action.ADDED
    assert audit.describe(entry.changes) == "Source: — → Phone call"


def test_the_staff_form_checks_what_the_public_form_checks(intake_client):
    response = intake_client.post(
        ADD, staff_form(phone="12", name="!!!", consent="", best_times=[], source="")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"phone", "name", "consent", "best_times", "source"}
    assert "Enter a phone number we can call" in errors["phone"][0]
    assert "Confirm that the person is 18 or older" in errors["consent"][0]
    # What was typed is kept.
    assert 'value="12"' in response.text and 'value="!!!"' in response.text
    assert ConsultationRequest.objects.count() == 0


def test_web_form_is_not_a_source_staff_can_choose(intake_client):
    response = intake_client.post(ADD, staff_form(source="web_form"))
    assert response.status_code == 200 and ConsultationRequest.objects.count() == 0


def test_the_hourly_limit_does_not_apply_to_staff(settings, intake_client):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 1
    for number in range(3):
        intake_client.post(ADD, staff_form(phone=f"651 555 01{70 + number}"))
    assert ConsultationRequest.objects.count() == 3


def test_content_editors_cannot_add_requests(staff_client_for, make_staff_user):
    editor = staff_client_for(make_staff_user("editor", groups=["Content editors"]))
    assert editor.get(ADD).status_code == 403
    assert editor.post(ADD, staff_form()).status_code == 403
    assert ConsultationRequest.objects.count() == 0


# --- the first call ---------------------------------------------------------------------------


def test_the_first_logged_call_stores_the_business_time_it_took(
    admin_client, make_consultation, settings
):
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"
    # Friday 16:00; first call Monday 10:30 = 1 h on Friday + 1.5 h on Monday, within the promise.
    consultation = make_consultation(created_at=local(2026, 11, 20, 16, 0))
    with time_machine.travel(local(2026, 11, 23, 10, 30), tick=False):
        from tests.consultations.test_admin import change_data

        response = admin_client.post(
            change_url(consultation), change_data(consultation, [{"outcome": "no_answer"}])
        )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.first_called_at == local(2026, 11, 23, 10, 30)
    assert consultation.business_seconds_to_first_call == int(2.5 * 3600)
    assert consultation.first_call_on_time is True


def test_a_late_first_call_is_recorded_as_outside_the_promise(make_consultation):
    from consultations import services

    consultation = make_consultation(created_at=local(2026, 11, 20, 16, 0))
    log_calls(consultation, (local(2026, 11, 23, 16, 30), Outcome.NO_ANSWER))
    services.record_first_call(consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.first_call_on_time is False
    assert consultation.business_seconds_to_first_call == int(8.5 * 3600)
