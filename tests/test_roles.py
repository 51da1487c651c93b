import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

REQUESTS = reverse("admin:consultations_consultationrequest_changelist")
FAQ_QUESTIONS = reverse("admin:faq_question_changelist")


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_intake_staff_work_requests_and_call_attempts():
    assert codenames("Intake staff") == {
        ("consultations", "view_consultationrequest"),
        ("consultations", "change_consultationrequest"),
        ("consultations", "view_callattempt"),
        ("consultations", "add_callattempt"),
        ("consultations", "change_callattempt"),
        # Requests taken by phone or in person, and the days the clinic is closed.
        ("consultations", "add_consultationrequest"),
        ("consultations", "view_closureday"),
        ("consultations", "add_closureday"),
        ("consultations", "change_closureday"),
        ("consultations", "delete_closureday"),
    }


def test_content_editors_edit_the_faq_only():
    assert {app for app, _ in codenames("Content editors")} == {"faq"}
    assert ("faq", "change_question") in codenames("Content editors")
    assert ("faq", "add_category") in codenames("Content editors")


@pytest.fixture
def editor_client(staff_client_for, make_staff_user):
    return staff_client_for(make_staff_user("editor", groups=["Content editors"]))


def test_a_content_editor_cannot_open_requests(editor_client, make_consultation):
    consultation = make_consultation()

    changelist = editor_client.get(REQUESTS)
    change = editor_client.get(
        reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])
    )
    action = editor_client.post(
        REQUESTS, {"action": "export_csv", "_selected_action": [consultation.pk]}
    )

    assert changelist.status_code == 403
    assert change.status_code == 403
    assert action.status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Consultation requests" not in index


def test_a_content_editor_edits_questions(editor_client, make_question):
    make_question()

    assert editor_client.get(FAQ_QUESTIONS).status_code == 200


def test_intake_staff_open_requests_but_not_the_faq(intake_client, make_consultation):
    consultation = make_consultation()

    assert intake_client.get(REQUESTS).status_code == 200
    assert (
        intake_client.get(
            reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])
        ).status_code
        == 200
    )
    assert intake_client.get(FAQ_QUESTIONS).status_code == 403


def test_intake_staff_cannot_delete_requests(intake_client, make_consultation):
    consultation = make_consultation()

    response = intake_client.post(
        reverse("admin:consultations_consultationrequest_delete", args=[consultation.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert "delete_selected" not in intake_client.get(REQUESTS).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_roles_migration_reverses_and_reapplies():
    call_command("migrate", "consultations", "0003_staff_audit_trail", verbosity=0)
    assert not Group.objects.filter(name__in=["Intake staff", "Content editors"]).exists()

    call_command("migrate", "consultations", verbosity=0)
    assert ("consultations", "change_consultationrequest") in codenames("Intake staff")
    assert ("faq", "change_question") in codenames("Content editors")
