import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from faq.models import Question

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
        # Calls per time slot per day, and times patients cannot book a call.
        ("consultations", "view_callcapacity"),
        ("consultations", "add_callcapacity"),
        ("consultations", "change_callcapacity"),
        ("consultations", "delete_callcapacity"),
        ("consultations", "view_blockedtime"),
        ("consultations", "add_blockedtime"),
        ("consultations", "change_blockedtime"),
        ("consultations", "delete_blockedtime"),
    }


def test_content_editors_edit_the_faq_only():
    assert {app for app, _ in codenames("Content editors")} == {"faq"}
    assert ("faq", "change_question") in codenames("Content editors")
    assert ("faq", "add_category") in codenames("Content editors")


def test_clinical_reviewers_read_questions_and_mark_them_reviewed_only():
    assert codenames("Clinical reviewers") == {("faq", "view_question"), ("faq", "review_question")}
    assert ("faq", "review_question") not in codenames("Content editors")


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


def test_a_content_editor_edits_questions(editor_client, make_question, category):
    """An editor adds a question, changes one, and publishes it from the list."""
    question = make_question(question="Before the edit?", is_published=False)
    fields = {"category": category.pk, "answer_en": "An answer.", "position": 9}

    assert editor_client.get(FAQ_QUESTIONS).status_code == 200
    added = editor_client.post(
        reverse("admin:faq_question_add"),
        {**fields, "question_en": "Added by an editor?", "slug": "added-by-an-editor"},
    )
    changed = editor_client.post(
        reverse("admin:faq_question_change", args=[question.pk]),
        {**fields, "question_en": "After the edit?", "slug": question.slug},
    )
    published = editor_client.post(
        FAQ_QUESTIONS, {"action": "publish", "_selected_action": [question.pk]}
    )

    assert (added.status_code, changed.status_code, published.status_code) == (302, 302, 302)
    assert Question.objects.filter(slug="added-by-an-editor").exists()
    question.refresh_from_db()
    assert question.question == "After the edit?"
    assert question.is_published


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


def migrate_consultations_without_signals(target=None):
    """Run the migrations alone (to the latest by default), without the post_migrate handlers
    the `migrate` command runs after them."""
    executor = MigrationExecutor(connection)
    if target is None:
        [(_, target)] = executor.loader.graph.leaf_nodes("consultations")
    executor.migrate([("consultations", target)])


@pytest.mark.django_db(transaction=True)
def test_the_roles_migration_reverses_and_reapplies():
    """The historical migration still works both ways on its own; `migrate` then re-applies the
    roles from clinic/roles.py, which reversing the migration cannot remove for good."""
    migrate_consultations_without_signals("0003_staff_audit_trail")
    assert not Group.objects.filter(name__in=["Intake staff", "Content editors"]).exists()

    migrate_consultations_without_signals()
    assert ("consultations", "change_consultationrequest") in codenames("Intake staff")
    assert ("faq", "change_question") in codenames("Content editors")

    call_command("migrate", "consultations", "0003_staff_audit_trail", verbosity=0)
    assert ("faq", "change_question") in codenames("Content editors")
    call_command("migrate", verbosity=0)
