"""The domain operations called directly, as the admin, the form view and the commands call them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import audit, services
from consultations.models import AuditEntry, CallAttempt, ConsultationRequest

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status
Action = AuditEntry.Action


def unsaved_request(**fields):
    return ConsultationRequest(
        name="Sam Lee", phone="+16515550199", best_times=["morning"], voicemail_ok=True, **fields
    )


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# --- submit_request ---


def test_a_submission_is_stored_keyed_and_staff_are_emailed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = services.submit_request(
            consultation=unsaved_request(), fingerprint="a" * 64, client_key="b" * 64
        )

    assert ConsultationRequest.objects.get() == stored
    assert (stored.submission_fingerprint, stored.client_key) == ("a" * 64, "b" * 64)
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [f"New consultation request #{stored.pk}"]


def test_an_identical_submission_within_the_window_is_not_stored_twice():
    first = services.submit_request(
        consultation=unsaved_request(), fingerprint="a" * 64, client_key="b" * 64
    )
    again = services.submit_request(
        consultation=unsaved_request(), fingerprint="a" * 64, client_key="c" * 64
    )

    assert first.pk is not None and again is None
    assert ConsultationRequest.objects.count() == 1


def test_an_identical_submission_after_the_window_is_a_new_request(settings):
    settings.CONSULTATION_DUPLICATE_WINDOW_MINUTES = 10
    old = unsaved_request(created_at=timezone.now() - timedelta(minutes=11))
    services.submit_request(consultation=old, fingerprint="a" * 64, client_key="b" * 64)

    again = services.submit_request(
        consultation=unsaved_request(), fingerprint="a" * 64, client_key="b" * 64
    )

    assert again is not None and ConsultationRequest.objects.count() == 2


def test_a_client_over_the_hourly_limit_is_refused_and_nothing_is_stored(settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 2
    for index in range(2):
        services.submit_request(
            consultation=unsaved_request(), fingerprint=f"{index}" * 64, client_key="b" * 64
        )

    with pytest.raises(services.OverHourlyLimit):
        services.submit_request(
            consultation=unsaved_request(), fingerprint="9" * 64, client_key="b" * 64
        )
    from_elsewhere = services.submit_request(
        consultation=unsaved_request(), fingerprint="8" * 64, client_key="c" * 64
    )

    assert from_elsewhere is not None
    assert ConsultationRequest.objects.count() == 3


def test_the_hourly_limit_counts_the_clients_own_identical_request_past_the_window(settings):
    """An identical request older than the duplicate window is no duplicate, but it is still one
    of the client's requests this hour."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 2
    settings.CONSULTATION_DUPLICATE_WINDOW_MINUTES = 10
    old = unsaved_request(created_at=timezone.now() - timedelta(minutes=30))
    services.submit_request(consultation=old, fingerprint="a" * 64, client_key="b" * 64)
    services.submit_request(
        consultation=unsaved_request(), fingerprint="1" * 64, client_key="b" * 64
    )

    with pytest.raises(services.OverHourlyLimit):
        services.submit_request(
            consultation=unsaved_request(), fingerprint="a" * 64, client_key="b" * 64
        )


def test_an_identical_request_is_thanked_even_from_a_client_over_the_limit(settings):
    """The duplicate check comes first: the patient is thanked and nothing more is stored."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 1
    services.submit_request(
        consultation=unsaved_request(), fingerprint="a" * 64, client_key="c" * 64
    )
    services.submit_request(
        consultation=unsaved_request(), fingerprint="1" * 64, client_key="b" * 64
    )

    again = services.submit_request(
        consultation=unsaved_request(), fingerprint="a" * 64, client_key="b" * 64
    )

    assert again is None and ConsultationRequest.objects.count() == 2


# --- log_call_attempts ---


def test_the_first_call_is_stamped_and_moves_a_new_request_to_contacting(
    make_consultation, intake_user
):
    consultation = make_consultation()
    attempt = CallAttempt(request=consultation, outcome=CallAttempt.Outcome.NO_ANSWER)

    services.log_call_attempts(consultation=consultation, attempts=[attempt], by=intake_user)

    attempt.refresh_from_db()
    consultation.refresh_from_db()
    assert attempt.called_by == intake_user
    assert consultation.status == Status.CONTACTING
    [added] = entries(Action.CALL_ADDED)
    assert added.changes == [
        {"field": "call_attempt", "old": None, "new": attempt.pk},
        {"field": "outcome", "old": None, "new": "no_answer"},
    ]
    [moved] = entries(Action.CHANGED)
    assert moved.via == audit.VIA_FIRST_CALL
    assert moved.changes == [{"field": "status", "old": "new", "new": "contacting"}]


def test_a_later_call_leaves_the_status_alone(make_consultation, intake_user):
    consultation = make_consultation(status=Status.SCHEDULED)
    attempt = CallAttempt(request=consultation, outcome=CallAttempt.Outcome.REACHED)

    services.log_call_attempts(consultation=consultation, attempts=[attempt], by=intake_user)

    consultation.refresh_from_db()
    assert consultation.status == Status.SCHEDULED
    assert entries(Action.CHANGED) == []


def test_an_edited_and_a_deleted_call_are_recorded_without_notes(
    make_consultation, intake_user, admin_user
):
    consultation = make_consultation(status=Status.CONTACTING)
    kept = CallAttempt.objects.create(request=consultation, outcome="no_answer", notes="Busy.")
    gone = CallAttempt.objects.create(request=consultation, outcome="no_answer")
    gone_pk = gone.pk
    kept.outcome, kept.notes = CallAttempt.Outcome.REACHED, "Talked about Tuesday."

    services.log_call_attempts(
        consultation=consultation, attempts=[kept], deleted=[gone], by=admin_user
    )

    assert list(consultation.call_attempts.all()) == [kept]
    kept.refresh_from_db()
    assert kept.called_by is None  # an edit does not change who called
    [changed] = entries(Action.CALL_CHANGED)
    assert changed.changes == [
        {"field": "call_attempt", "old": kept.pk, "new": kept.pk},
        {"field": "outcome", "old": "no_answer", "new": "reached"},
        {"field": "notes"},
    ]
    [deleted] = entries(Action.CALL_DELETED)
    assert deleted.changes == [{"field": "call_attempt", "old": gone_pk, "new": None}]
    assert {entry.username for entry in (changed, deleted)} == {admin_user.username}


# --- assign, close, save_changes ---


def test_assign_skips_requests_already_theirs_and_removed_ones(make_consultation, intake_user):
    theirs = make_consultation(assigned_to=intake_user)
    unassigned = make_consultation()
    purged = make_consultation(personal_data_purged_at=timezone.now())

    assigned = services.assign(
        requests=ConsultationRequest.objects.all(), to=intake_user, by=intake_user, via="test"
    )

    assert assigned == [unassigned]
    assert ConsultationRequest.objects.get(pk=purged.pk).assigned_to is None
    [entry] = entries(Action.CHANGED)
    assert (entry.request_id, entry.via) == (unassigned.pk, "test")
    assert entry.changes == [{"field": "assigned_to", "old": None, "new": "intake"}]
    assert theirs.pk not in {entry.request_id for entry in AuditEntry.objects.all()}


def test_close_stamps_reason_and_time_once(make_consultation, admin_user):
    earlier = timezone.now() - timedelta(days=2)
    open_ = make_consultation(status=Status.CONTACTING)
    done = make_consultation(status=Status.CLOSED, close_reason="duplicate", closed_at=earlier)
    not_a_fit = make_consultation(status=Status.NOT_A_FIT, closed_at=earlier)

    closed = services.close(
        requests=ConsultationRequest.objects.all(),
        reason=ConsultationRequest.CloseReason.UNREACHABLE,
        by=admin_user,
        via=audit.VIA_CLOSE_ACTION,
    )

    assert {consultation.pk for consultation in closed} == {open_.pk, not_a_fit.pk}
    open_.refresh_from_db()
    assert (open_.status, open_.close_reason) == (Status.CLOSED, "unreachable")
    assert open_.closed_at is not None
    not_a_fit.refresh_from_db()
    assert not_a_fit.closed_at == earlier  # closed before: the first closing time stays
    done.refresh_from_db()
    assert (done.close_reason, done.closed_at) == ("duplicate", earlier)
    assert len(entries(Action.CHANGED)) == 2


def test_closing_without_a_reason_is_refused_and_changes_nothing(make_consultation, admin_user):
    consultation = make_consultation()

    with pytest.raises(ValidationError) as refused:
        services.close(
            requests=ConsultationRequest.objects.all(), reason="", by=admin_user, via="test"
        )

    assert refused.value.error_dict["close_reason"][0].code == "close_reason_required"
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW
    assert not AuditEntry.objects.exists()


def test_reopening_on_the_change_page_clears_the_closing(make_consultation, intake_user):
    consultation = make_consultation(
        status=Status.CLOSED, close_reason="unreachable", closed_at=timezone.now()
    )
    consultation.status = Status.CONTACTING

    services.save_changes(consultation=consultation, by=intake_user)

    consultation.refresh_from_db()
    assert (consultation.close_reason, consultation.closed_at) == ("", None)
    [entry] = entries(Action.CHANGED)
    assert entry.via == audit.VIA_CHANGE_PAGE
    assert {change["field"] for change in entry.changes} == {"status", "close_reason", "closed_at"}


def test_saving_without_a_change_records_nothing(make_consultation, intake_user):
    consultation = make_consultation()

    services.save_changes(consultation=consultation, by=intake_user)

    assert not AuditEntry.objects.exists()


# --- delete, export, purge ---


def test_delete_records_each_request_before_it_goes(make_consultation, admin_user):
    kept, first, second = make_consultation(), make_consultation(), make_consultation()

    services.delete(
        requests=ConsultationRequest.objects.exclude(pk=kept.pk), by=admin_user, via="test"
    )

    assert list(ConsultationRequest.objects.all()) == [kept]
    assert {entry.request_id for entry in entries(Action.DELETED)} == {first.pk, second.pk}


def test_an_export_lists_requests_in_order_and_records_each(make_consultation, admin_user):
    second, first = make_consultation(), make_consultation()
    if first.pk > second.pk:
        first, second = second, first

    rows = services.record_export(requests=ConsultationRequest.objects.all(), by=admin_user)

    assert rows == [first, second]
    exported = entries(Action.EXPORTED)
    assert [entry.request_id for entry in exported] == [first.pk, second.pk]
    assert exported[0].changes == [{"field": "export", "old": None, "new": 2}]
    assert exported[0].via == audit.VIA_EXPORT_ACTION


def test_purging_removes_personal_data_of_long_closed_requests(make_consultation, settings):
    settings.CONSULTATION_RETENTION_DAYS = 30
    now = timezone.now()
    old = make_consultation(
        status=Status.CLOSED, close_reason="other", closed_at=now - timedelta(days=31)
    )
    CallAttempt.objects.create(request=old, outcome="reached", notes="Said yes.")
    recent = make_consultation(
        status=Status.CLOSED, close_reason="other", closed_at=now - timedelta(days=29)
    )

    assert services.purge_personal_data(now=now, dry_run=True) == ([old.pk], 1)
    assert not AuditEntry.objects.exists()
    assert services.purge_personal_data(now=now) == ([old.pk], 1)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.personal_data_purged_at) == ("", "", now)
    assert recent.name and recent.personal_data_purged_at is None
    [purged] = entries(Action.PURGED)
    assert (purged.request_id, purged.user, purged.via) == (old.pk, None, audit.VIA_PURGE_COMMAND)
