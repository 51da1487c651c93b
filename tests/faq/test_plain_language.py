import importlib

import pytest
from django.apps import apps

from faq.models import Question
from faq.readability import TARGET_GRADE, reading_grade

pytestmark = pytest.mark.django_db

STARTER = importlib.import_module("faq.migrations.0002_starter_content")
PLAIN = importlib.import_module("faq.migrations.0005_plain_language_starter_answers")
STARTER_SLUGS = [slug for _, _, slug, _ in STARTER.QUESTIONS]


def test_every_published_starter_answer_reads_at_grade_8_or_below():
    starters = Question.objects.filter(slug__in=STARTER_SLUGS)
    assert starters.count() == len(STARTER_SLUGS)
    for question in starters.published():
        assert reading_grade(question.answer) <= TARGET_GRADE, question.slug


def test_the_old_starter_wording_read_above_grade_8_in_most_answers():
    """What the rewrite was for: the measure tells the two wordings apart."""
    grades = sorted(reading_grade(answer) for *_, answer in STARTER.QUESTIONS)
    assert grades[len(grades) // 2] > TARGET_GRADE


def test_the_rewrite_keeps_the_clinic_facts():
    text = " ".join(PLAIN.PLAIN_ANSWERS.values())
    for fact in [
        "ketamine-assisted",
        "anesthesia",
        "esketamine (sold as Spravato)",
        "off-label",
        "dissociative",
        "lozenge",
        "troche",
        "muscle",
        "IV",
        "destabilization",
        "PTSD",
        "(952) 260-3550",
        "988",
        "cannabis",
    ]:
        assert fact in text, fact


def test_the_rewrite_never_touches_a_clinic_edit_and_is_reversible():
    edited = Question.objects.get(slug="is-ketamine-safe")
    edited.answer = "Our own wording."
    edited.save()
    PLAIN.restore(apps, None)
    assert (
        Question.objects.get(slug="how-is-the-ketamine-given").answer
        == dict((slug, answer) for *_, slug, answer in STARTER.QUESTIONS)[
            "how-is-the-ketamine-given"
        ]
    )
    assert not Question.objects.filter(slug="what-does-it-cost").exists()
    PLAIN.rewrite(apps, None)
    assert Question.objects.get(slug="is-ketamine-safe").answer == "Our own wording."
    rewritten = Question.objects.get(slug="how-is-the-ketamine-given")
    assert rewritten.answer == PLAIN.PLAIN_ANSWERS["how-is-the-ketamine-given"]
    assert "<strong>lozenge</strong>" in rewritten.answer_html
    written_by_migration = rewritten.content_hash
    rewritten.save()
    assert rewritten.content_hash == written_by_migration


def test_common_questions_wait_as_drafts_with_their_points_to_decide():
    drafts = Question.objects.filter(slug__in=[slug for _, _, slug, _ in PLAIN.DRAFTS])
    assert drafts.count() == 5
    for draft in drafts:
        assert draft.is_published is False
        assert draft.has_points_to_decide
    assert set(Question.objects.with_points_to_decide()) >= set(drafts)
    assert not drafts.published().exists()
