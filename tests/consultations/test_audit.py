import pytest
from django.urls import reverse

from consultations import audit
from consultations.models import AuditEntry, CallAttempt, ConsultationRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

Action = AuditEntry.Action
Status = ConsultationRequest.Status
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
AUDIT_LIST = reverse("admin:consultations_auditentry_changelist")
PERSONAL = ["Zoë", "O'Brien", "555", "zoe@", "shift", "Secret"]


def change_url(consultation):
    return reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])


def management_form(count=0):
    return {
        "call_attempts-TOTAL_FORMS": str(count),
        "call_attempts-INITIAL_FORMS": "0",
        "call_attempts-MIN_NUM_FORMS": "0",
        "call_attempts-MAX_NUM_FORMS": "1000",
    }


def assert_no_personal_data(entry):
    text = f"{entry} {entry.changes} {entry.via} {audit.describe(entry.changes)}"
    for personal in PERSONAL:
        assert personal not in text


def test_opening_a_request_is_recorded(intake_client, intake_user, make_consultation):
    consultation = make_consultation()

    intake_client.get(change_url(consultation))

    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username) == (intake_user, "intake")
    assert entry.action == Action.VIEWED
    assert entry.request_id == consultation.pk
    assert entry.at is not None


def test_the_list_and_a_missing_request_record_no_views(intake_client, make_consultation):
    make_consultation()

    intake_client.get(CHANGELIST)
    intake_client.get(reverse("admin:consultations_consultationrequest_change", args=[999999]))

    assert not AuditEntry.objects.exists()


def test_a_change_records_fields_with_old_and_new_values(
    intake_client, intake_user, make_consultation
):
    consultation = make_consultation()

    intake_client.post(
        change_url(consultation),
        {
            "status": Status.CLOSED,
            "close_reason": "unreachable",
            "assigned_to": intake_user.pk,
            **management_form(),
        },
    )

    entry = AuditEntry.objects.get(action=Action.CHANGED)
    changes = {change["field"]: change for change in entry.changes}
    assert changes["status"] == {"field": "status", "old": "new", "new": "closed"}
    assert changes["close_reason"]["new"] == "unreachable"
    assert changes["assigned_to"] == {"field": "assigned_to", "old": None, "new": "intake"}
    assert changes["closed_at"]["old"] is None and changes["closed_at"]["new"]
    described = audit.describe(entry.changes)
    assert "Status: New → Closed" in described
    assert "Reason for closing: — → Could not be reached" in described
    assert "Assigned to: — → intake" in described
    assert_no_personal_data(entry)


def test_personal_fields_are_named_never_copied():
    before = {"name": "Zoë O'Brien", "note": "Secret history", "status": "new"}
    after = {"name": "Zoe OBrien", "note": "Secret other", "status": "new"}

    changes = audit.diff(before, after)

    assert changes == [{"field": "name"}, {"field": "note"}]


def test_a_logged_call_is_recorded_without_its_notes(intake_client, make_consultation):
    consultation = make_consultation()
    data = {
        "status": Status.NEW,
        "close_reason": "",
        "assigned_to": "",
        **management_form(1),
        "call_attempts-0-request": consultation.pk,
        "call_attempts-0-called_at": "2026-01-05T10:00:00",
        "call_attempts-0-outcome": "left_voicemail",
        "call_attempts-0-notes": "Secret detail about her shift",
    }

    intake_client.post(change_url(consultation), data)

    attempt = CallAttempt.objects.get()
    added = AuditEntry.objects.get(action=Action.CALL_ADDED)
    assert added.request_id == consultation.pk
    assert {"field": "call_attempt", "old": None, "new": attempt.pk} in added.changes
    assert {"field": "outcome", "old": None, "new": "left_voicemail"} in added.changes
    assert_no_personal_data(added)
    status_change = AuditEntry.objects.get(action=Action.CHANGED)
    assert status_change.changes == [{"field": "status", "old": "new", "new": "contacting"}]


def test_actions_are_recorded(admin_client, admin_user, make_consultation):
    first, second = make_consultation(), make_consultation()
    selected = {"_selected_action": [first.pk, second.pk]}

    admin_client.post(CHANGELIST, {"action": "assign_to_me", **selected})
    admin_client.post(
        CHANGELIST,
        {"action": "close_requests", "apply": "yes", "close_reason": "duplicate", **selected},
    )

    assigned = AuditEntry.objects.filter(via="admin action: assign to me")
    assert sorted(assigned.values_list("request_id", flat=True)) == [first.pk, second.pk]
    closed = AuditEntry.objects.filter(via="admin action: close")
    assert closed.count() == 2
    assert all({"field": "status", "old": "new", "new": "closed"} in e.changes for e in closed)


def test_an_export_records_which_requests(admin_client, make_consultation):
    exported = [make_consultation(), make_consultation()]
    make_consultation()

    admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [c.pk for c in exported]}
    )

    entries = AuditEntry.objects.filter(action=Action.EXPORTED)
    assert sorted(entries.values_list("request_id", flat=True)) == sorted(c.pk for c in exported)
    assert all(entry.username == "admin" for entry in entries)


def test_entries_outlive_the_request(admin_client, make_consultation):
    consultation = make_consultation()
    admin_client.get(change_url(consultation))
    number = consultation.pk

    ConsultationRequest.objects.filter(pk=number).delete()

    assert AuditEntry.objects.filter(request_id=number, action=Action.VIEWED).exists()


def test_superusers_read_the_trail(admin_client, make_consultation):
    consultation = make_consultation()
    admin_client.get(change_url(consultation))
    entry = AuditEntry.objects.get()

    listing = admin_client.get(AUDIT_LIST)
    detail = admin_client.get(reverse("admin:consultations_auditentry_change", args=[entry.pk]))
    search = admin_client.get(AUDIT_LIST, {"q": str(consultation.pk)})
    junk_search = admin_client.get(AUDIT_LIST, {"q": "not-a-number"})

    assert listing.status_code == detail.status_code == search.status_code == 200
    assert junk_search.status_code == 200
    assert f"#{consultation.pk}" in listing.content.decode()
    assert list(search.context["cl"].result_list) == [entry]


def test_nobody_can_add_edit_or_delete_entries(admin_client, make_consultation):
    consultation = make_consultation()
    admin_client.get(change_url(consultation))
    entry = AuditEntry.objects.get()

    add = admin_client.get(reverse("admin:consultations_auditentry_add"))
    edit = admin_client.post(
        reverse("admin:consultations_auditentry_change", args=[entry.pk]),
        {"action": "changed", "username": "someone", "request_id": 1},
    )
    delete = admin_client.post(
        reverse("admin:consultations_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    bulk_delete = admin_client.post(
        AUDIT_LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert add.status_code == 403
    assert edit.status_code == 403
    assert delete.status_code == 403
    assert bulk_delete.status_code == 200  # no such action: the list is shown again
    assert "delete_selected" not in admin_client.get(AUDIT_LIST).content.decode()
    entry.refresh_from_db()
    assert (entry.username, entry.action, entry.request_id) == ("admin", "viewed", consultation.pk)


def test_staff_cannot_read_the_trail_even_with_the_permission(
    staff_client_for, make_staff_user, make_consultation
):
    snoop = make_staff_user("snoop", groups=["Intake staff"], permissions=["view_auditentry"])
    client = staff_client_for(snoop)

    assert client.get(AUDIT_LIST).status_code == 403
    assert "audit" not in client.get(reverse("admin:index")).content.decode().lower()


def test_superusers_reach_a_requests_trail_from_its_page(
    admin_client, intake_client, make_consultation
):
    consultation = make_consultation()
    link = f"{AUDIT_LIST}?q={consultation.pk}"

    assert link in admin_client.get(change_url(consultation)).content.decode()
    assert link not in intake_client.get(change_url(consultation)).content.decode()
