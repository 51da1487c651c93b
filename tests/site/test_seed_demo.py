from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consultations.models import CallAttempt, ConsultationRequest
from faq.models import Category, Question

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, "--force", stdout=out)
    return out.getvalue()


def demo_questions():
    return Question.objects.filter(slug__startswith="demo-")


def test_creates_the_numbers_asked_for():
    """--questions and --requests create exactly that many demo rows, and say so."""
    output = seed("--questions", "30", "--requests", "200")
    assert demo_questions().count() == 30
    assert ConsultationRequest.objects.count() == 200
    assert CallAttempt.objects.exists()
    assert "Questions: 30 created" in output
    assert "Requests: 200 created" in output


def test_questions_are_varied_markdown_across_categories():
    """Demo questions are all different, spread over several categories, rendered to HTML."""
    seed("--questions", "60")
    questions = list(demo_questions())
    assert len({question.question for question in questions}) == 60
    assert Category.objects.filter(slug__startswith="demo-").count() >= 5
    assert all(question.answer_html.startswith("<p>") for question in questions)
    assert any("<ul>" in q.answer_html or "<ol>" in q.answer_html for q in questions)
    assert demo_questions().filter(is_published=False).exists()


def test_requests_have_varied_states_consistent_with_their_calls():
    """Statuses, assignees and call logs vary, and each request's state fits its calls."""
    seed("--requests", "400")
    requests = ConsultationRequest.objects.all()
    assert set(requests.values_list("status", flat=True)) == set(ConsultationRequest.Status)
    assert requests.exclude(assigned_to=None).values("assigned_to").distinct().count() >= 2
    assert not CallAttempt.objects.filter(request__status="new").exists()
    assert not requests.filter(status="closed", close_reason="").exists()
    assert not requests.filter(status__in=["closed", "not_a_fit"], closed_at=None).exists()
    for attempt in CallAttempt.objects.select_related("request")[:200]:
        assert attempt.called_at > attempt.request.created_at
    assert len(set(requests.values_list("created_at__date", flat=True))) > 30
    notes = {request.note for request in requests}  # encrypted fields read back
    assert "" in notes and len(notes) > 2


def counts():
    return (
        Question.objects.count(),
        ConsultationRequest.objects.count(),
        CallAttempt.objects.count(),
    )


def test_running_again_changes_nothing():
    """The same command twice leaves the same data: it tops up, it does not duplicate."""
    seed("--questions", "20", "--requests", "50")
    before = counts()
    output = seed("--questions", "20", "--requests", "50")
    assert counts() == before
    assert "Questions: 0 created, 20 already there" in output


def test_larger_numbers_top_up():
    """Asking for more adds only the missing rows."""
    seed("--questions", "10", "--requests", "30")
    seed("--questions", "25", "--requests", "80")
    assert demo_questions().count() == 25
    assert ConsultationRequest.objects.count() == 80


def test_reset_removes_demo_data_only(make_question):
    """--reset removes earlier demo rows but never real questions or real requests."""
    real_question = make_question()
    real_request = ConsultationRequest.objects.create(
        name="Real Patient", phone="+16512345678", voicemail_ok=False
    )
    seed("--questions", "15", "--requests", "40")
    output = seed("--reset", "--questions", "5", "--requests", "3")
    assert "Removed 15 demo questions, 40 demo requests" in output
    assert demo_questions().count() == 5
    assert ConsultationRequest.objects.count() == 4
    assert Question.objects.filter(pk=real_question.pk).exists()
    assert ConsultationRequest.objects.filter(pk=real_request.pk).exists()


def test_dry_run_saves_nothing():
    """--dry-run reports what it would create and rolls everything back."""
    output = seed("--questions", "10", "--requests", "10", "--dry-run")
    assert "Questions: 10 created" in output
    assert "Dry run: nothing was saved." in output
    assert not demo_questions().exists()
    assert not ConsultationRequest.objects.exists()


def test_refuses_when_debug_is_off_without_force(settings):
    """With DEBUG off the database may be production's: the command asks for --force."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--questions", "1", stdout=StringIO())
    assert not Question.objects.filter(slug__startswith="demo-").exists()


def test_rejects_impossible_numbers():
    """Negative numbers or more questions than the generator has are refused with a message."""
    with pytest.raises(CommandError, match="negative"):
        seed("--requests", "-1")
    with pytest.raises(CommandError, match="at most"):
        seed("--questions", "100000")


def test_demo_pages_render(client):
    """The site shows the demo content: the FAQ list, a search and a question page."""
    seed("--questions", "12")
    question = demo_questions().filter(is_published=True).first()
    assert question.question in client.get("/faq/").content.decode()
    assert client.get(question.get_absolute_url()).status_code == 200
    assert client.get("/faq/", {"q": "insurance"}).status_code == 200
