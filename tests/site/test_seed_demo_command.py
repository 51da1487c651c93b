"""`seed_demo` is the project's command: one run seeds both apps from their own demo modules."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands

from clinic.roles import INTAKE_STAFF
from consultations.models import CallAttempt, ConsultationRequest
from faq.models import Question

pytestmark = pytest.mark.django_db


def test_seed_demo_belongs_to_the_project_package():
    assert get_commands()["seed_demo"] == "clinic"


def test_one_run_seeds_questions_and_requests():
    out = StringIO()
    call_command("seed_demo", "--questions", "12", "--requests", "20", "--force", stdout=out)

    assert Question.objects.filter(slug__startswith="demo-").count() == 12
    assert ConsultationRequest.objects.count() == 20
    assert CallAttempt.objects.exists()
    output = out.getvalue()
    assert output.index("Questions: 12 created") < output.index("Requests: 20 created")
    assert "Demo data ready" in output


def test_demo_staff_hold_the_intake_role():
    """Requests are assigned to made-up staff members who have the intake role, as real ones do."""
    call_command("seed_demo", "--requests", "30", "--force", stdout=StringIO())

    assignees = get_user_model().objects.filter(
        pk__in=ConsultationRequest.objects.values("assigned_to")
    )
    assert assignees.exists()
    for user in assignees:
        assert user.username.startswith("demo-")
        assert list(user.groups.values_list("name", flat=True)) == [INTAKE_STAFF]
        assert user.has_perm("consultations.change_consultationrequest")


def test_reset_reports_both_apps():
    call_command("seed_demo", "--questions", "3", "--requests", "4", "--force", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--reset", "--force", stdout=out)

    assert "Removed 3 demo questions, 4 demo requests" in out.getvalue()
    assert not Question.objects.filter(slug__startswith="demo-").exists()
    assert not ConsultationRequest.objects.exists()
