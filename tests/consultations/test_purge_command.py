from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations.models import AuditEntry, CallAttempt, ConsultationRequest

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status


def purge(*args):
    out = StringIO()
    call_command("purge_consultation_requests", *args, stdout=out)
    return out.getvalue()


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def old_closed(make_consultation):
    consultation = make_consultation(
        status=Status.CLOSED,
        close_reason="consultation_held",
        closed_at=days_ago(400),
        created_at=days_ago(410),
        heard_about="friend",
        client_key="k" * 64,
        submission_fingerprint="f" * 64,
    )
    CallAttempt.objects.create(request=consultation, outcome="reached", notes="Secret detail")
    CallAttempt.objects.create(request=consultation, outcome="no_answer")
    return consultation


def test_removes_personal_data_of_long_closed_requests(old_closed):
    output = purge()

    old_closed.refresh_from_db()
    assert (old_closed.name, old_closed.phone, old_closed.email, old_closed.note) == (
        "",
        "",
        "",
        "",
    )
    assert old_closed.best_times == []
    assert (old_closed.client_key, old_closed.submission_fingerprint) == ("", "")
    assert old_closed.personal_data_purged_at is not None
    assert set(old_closed.call_attempts.values_list("notes", flat=True)) == {""}
    assert "Removed the personal data of 1 request(s)" in output
    assert "1 call note(s)" in output
    assert f"#{old_closed.pk}" in output


def test_keeps_what_is_needed_for_counting(old_closed):
    purge()

    old_closed.refresh_from_db()
    assert old_closed.status == Status.CLOSED
    assert old_closed.close_reason == "consultation_held"
    assert old_closed.created_at < old_closed.closed_at
    assert old_closed.heard_about == "friend"
    assert sorted(old_closed.call_attempts.values_list("outcome", flat=True)) == [
        "no_answer",
        "reached",
    ]


def test_leaves_recent_closed_and_open_requests_alone(make_consultation):
    recent = make_consultation(
        status=Status.CLOSED, close_reason="duplicate", closed_at=days_ago(30)
    )
    old_open = make_consultation(status=Status.CONTACTING, created_at=days_ago(800))

    output = purge()

    for consultation in [recent, old_open]:
        consultation.refresh_from_db()
        assert consultation.name == "Zoë O'Brien-Søren"
        assert consultation.personal_data_purged_at is None
    assert "0 request(s)" in output
    assert "1 request(s) have been open for more than 365 days" in output


def test_not_a_fit_counts_as_closed(make_consultation):
    unfit = make_consultation(status=Status.NOT_A_FIT, closed_at=days_ago(366))

    purge()

    unfit.refresh_from_db()
    assert unfit.name == ""


def test_closed_without_a_closing_time_counts_from_last_update(make_consultation):
    consultation = make_consultation(status=Status.CLOSED, close_reason="other")
    ConsultationRequest.objects.filter(pk=consultation.pk).update(updated_at=days_ago(366))
    recently_touched = make_consultation(status=Status.CLOSED, close_reason="other")

    purge()

    consultation.refresh_from_db()
    recently_touched.refresh_from_db()
    assert consultation.personal_data_purged_at is not None
    assert recently_touched.personal_data_purged_at is None


def test_retention_period_comes_from_the_setting(old_closed, settings):
    settings.CONSULTATION_RETENTION_DAYS = 500

    purge()

    old_closed.refresh_from_db()
    assert old_closed.personal_data_purged_at is None


def test_dry_run_changes_nothing(old_closed):
    output = purge("--dry-run")

    old_closed.refresh_from_db()
    assert old_closed.name == "Zoë O'Brien-Søren"
    assert old_closed.personal_data_purged_at is None
    assert "Would remove the personal data of 1 request(s)" in output
    assert not AuditEntry.objects.exists()


def test_running_twice_is_harmless(old_closed):
    purge()
    old_closed.refresh_from_db()
    first_purge = old_closed.personal_data_purged_at

    output = purge()

    old_closed.refresh_from_db()
    assert old_closed.personal_data_purged_at == first_purge
    assert "Removed the personal data of 0 request(s)" in output
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PURGED).count() == 1


def test_purge_is_in_the_audit_trail_without_personal_data(old_closed):
    purge()

    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.PURGED
    assert entry.request_id == old_closed.pk
    assert entry.user is None
    assert {"field": "name"} in entry.changes
    assert "Zoë" not in str(entry.changes)


def test_admin_shows_a_purged_request_without_failing(admin_client, old_closed):
    purge()

    response = admin_client.get(old_closed.get_admin_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zoë" not in html
    assert ">None<" not in html
    assert "Personal data removed on" in html
    # A purged request is a closed record: nothing can be changed or logged on it.
    assert not response.context["has_change_permission"]
    assert admin_client.post(old_closed.get_admin_url(), {}).status_code == 403


def test_actions_leave_purged_requests_alone(admin_client, old_closed, make_consultation):
    unfit = make_consultation(status=Status.NOT_A_FIT, closed_at=days_ago(400))
    purge()
    selected = {"_selected_action": [old_closed.pk, unfit.pk]}
    changelist = reverse("admin:consultations_consultationrequest_changelist") + "?status=all"

    admin_client.post(changelist, {"action": "assign_to_me", **selected})
    admin_client.post(
        changelist,
        {"action": "close_requests", "apply": "yes", "close_reason": "other", **selected},
    )

    unfit.refresh_from_db()
    assert unfit.status == Status.NOT_A_FIT
    assert unfit.assigned_to is None
    assert not ConsultationRequest.objects.filter(assigned_to__isnull=False).exists()
