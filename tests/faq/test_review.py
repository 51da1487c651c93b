import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags
from reversion.models import Version

from clinic.models import StaffProfile
from faq import services
from faq.models import Question, ReviewStatus, months_before
from faq.views import forget_shared_pages

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/faq/question/"
REVIEWED_LINE = re.compile(r"Medically reviewed by Dana Berg, MD on \w+ \d{1,2}, \d{4}")


def page_text(client, path):
    """The words on the page, without tags."""
    return strip_tags(client.get(path).content.decode())


def mark(client, *questions):
    return client.post(
        CHANGELIST,
        {"action": "mark_reviewed", "_selected_action": [q.pk for q in questions]},
        follow=True,
    )


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_a_reviewer_marks_an_answer_reviewed_from_the_list(reviewer_client, make_question):
    """The action records who, when and the wording read."""
    question = make_question()
    response = mark(reviewer_client, question)
    assert "1 answer(s) marked as reviewed." in response.content.decode()
    question.refresh_from_db()
    assert question.review.reviewer.username == "dana"
    assert question.review.reviewed_by == "Dana Berg, MD"
    assert question.review.text_hash == question.content_hash
    assert question.review_status == ReviewStatus.REVIEWED


def test_editors_cannot_mark_reviewed(editor_client, editor, make_question):
    """Without faq.review_question there is no action, and the service refuses too."""
    question = make_question()
    response = editor_client.get(CHANGELIST)
    assert "mark_reviewed" not in response.content.decode()
    response = mark(editor_client, question)
    assert not Question.objects.filter(pk=question.pk, review__isnull=False).exists()
    with pytest.raises(PermissionDenied):
        services.mark_reviewed(question=question, reviewer=editor)


def test_a_reviewer_without_a_public_name_is_told_to_add_one(
    make_staff_user, staff_client_for, make_question
):
    user = make_staff_user("nameless", groups=["Clinical reviewers"])
    question = make_question()
    response = mark(staff_client_for(user), question)
    assert "Add your public name" in response.content.decode()
    assert not hasattr(Question.objects.get(pk=question.pk), "review")
    StaffProfile.objects.create(user=user, public_name="  ")
    with pytest.raises(ValidationError):
        services.mark_reviewed(question=question, reviewer=user)


def test_the_public_pages_show_the_line_and_the_structured_data_says_the_same(
    client, reviewer, make_question
):
    question = make_question(answer="Reviewed words.")
    services.mark_reviewed(
        question=question,
        reviewer=reviewer,
        now=timezone.make_aware(timezone.datetime(2026, 3, 14, 10)),
    )
    detail = client.get(question.get_absolute_url()).content.decode()
    assert "Medically reviewed by Dana Berg, MD on March 14, 2026" in strip_tags(detail)
    blocks = json_ld_blocks(detail)
    medical = next(block for block in blocks if block["@type"] == "MedicalWebPage")
    assert medical["lastReviewed"] == "2026-03-14"
    assert medical["reviewedBy"] == {
        "@type": "Person",
        "name": "Dana Berg",
        "honorificSuffix": "MD",
    }
    listing = client.get("/faq/").content.decode()
    assert "Medically reviewed by Dana Berg, MD on March 14, 2026" in strip_tags(listing)
    [faq_page] = json_ld_blocks(listing)
    assert faq_page["@type"] == "FAQPage"
    assert faq_page["mainEntity"][0]["name"] == question.question


def test_an_unreviewed_answer_has_no_line_and_no_medical_page_data(client, make_question):
    question = make_question()
    detail = client.get(question.get_absolute_url()).content.decode()
    assert "Medically reviewed" not in detail
    assert all(block["@type"] != "MedicalWebPage" for block in json_ld_blocks(detail))


def test_editing_clears_the_line_and_restoring_the_reviewed_text_brings_it_back(
    client, admin_client, reviewer, make_question
):
    question = make_question(answer="The reviewed wording.")
    services.mark_reviewed(question=question, reviewer=reviewer)
    assert REVIEWED_LINE.search(page_text(client, question.get_absolute_url()))

    form = {
        "category": question.category_id,
        "question_en": question.question,
        "slug": question.slug,
        "answer_en": "A wording nobody reviewed.",
        "is_published": "on",
        "position": question.position,
    }
    response = admin_client.post(f"{CHANGELIST}{question.pk}/change/", form)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.review_status == ReviewStatus.CHANGED
    assert not REVIEWED_LINE.search(page_text(client, question.get_absolute_url()))
    change_page = admin_client.get(f"{CHANGELIST}{question.pk}/change/").content.decode()
    assert "changed after its clinical review" in change_page

    reviewed_version = Version.objects.get_for_object(question).order_by("pk").first()
    assert reviewed_version is not None
    response = admin_client.post(
        f"{CHANGELIST}{question.pk}/history/restore/{reviewed_version.pk}/"
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "The reviewed wording."
    assert question.review_status == ReviewStatus.REVIEWED
    assert REVIEWED_LINE.search(page_text(client, question.get_absolute_url()))


def test_a_review_falls_due_after_the_set_months_and_keeps_its_true_date(
    client, admin_client, reviewer, make_question, settings
):
    settings.FAQ_REVIEW_MONTHS = 12
    now = timezone.now()
    old = make_question(answer="Old review.")
    fresh = make_question(answer="Fresh review.")
    services.mark_reviewed(question=old, reviewer=reviewer, now=months_before(now, 13))
    services.mark_reviewed(question=fresh, reviewer=reviewer, now=months_before(now, 11))
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.review_status == ReviewStatus.DUE
    assert fresh.review_status == ReviewStatus.REVIEWED
    assert list(Question.objects.with_review_status(ReviewStatus.DUE)) == [old]

    expected_date = timezone.localtime(old.review.reviewed_at).strftime("%B %-d, %Y")
    assert f"on {expected_date}" in page_text(client, old.get_absolute_url())
    listing = admin_client.get(f"{CHANGELIST}?review=due").content.decode()
    assert old.question in listing
    assert fresh.question not in listing
    assert (
        "clinical review is due"
        in admin_client.get(f"{CHANGELIST}{old.pk}/change/").content.decode()
    )

    settings.FAQ_REVIEW_MONTHS = 14
    old.refresh_from_db()
    assert old.review_status == ReviewStatus.REVIEWED


def test_the_review_status_filter_sorts_every_kind(admin_client, reviewer, make_question):
    reviewed = make_question(question="Reviewed one?")
    changed = make_question(question="Changed one?")
    never = make_question(question="Never one?")
    draft = make_question(question="Draft one?", answer="[TO DECIDE: price]", is_published=False)
    for question in (reviewed, changed):
        services.mark_reviewed(question=question, reviewer=reviewer)
    changed.answer = "Edited."
    changed.save()
    expected = {
        "reviewed": reviewed,
        "changed": changed,
        "never": never,
        "to-decide": draft,
    }
    for value, question in expected.items():
        html = admin_client.get(f"{CHANGELIST}?review={value}").content.decode()
        assert question.question in html, value
        others = [other for other in (reviewed, changed) if other != question]
        assert all(other.question not in html for other in others), value


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    moment = timezone.make_aware(timezone.datetime(2026, 3, 31, 9, 30))
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 12).date().isoformat() == "2025-03-31"
    assert months_before(moment, 15) < moment - timedelta(days=365)


def test_review_lines_cost_no_query_per_question(client, reviewer, make_question):
    """Guards the review line against an N+1: a fresh list, question page and search each cost
    the same queries with 5 or 25 reviewed answers."""

    def fresh_queries():
        counts = []
        for path in (
            "/faq/",
            Question.objects.filter(review__isnull=False).first().get_absolute_url(),
            "/faq/?q=number",
        ):
            cache.clear()
            forget_shared_pages()
            with CaptureQueriesContext(connection) as queries:
                assert "Medically reviewed by" in client.get(path).content.decode()
            counts.append(len(queries))
        return counts

    def add_reviewed(count):
        for _ in range(count):
            services.mark_reviewed(question=make_question(), reviewer=reviewer)

    add_reviewed(5)
    few = fresh_queries()
    add_reviewed(20)
    assert fresh_queries() == few


def test_public_name_and_credentials_are_edited_on_the_user_page(admin_client, reviewer):
    page = admin_client.get(f"/admin/auth/user/{reviewer.pk}/change/").content.decode()
    assert "Public name" in page and "Credentials" in page
    assert 'value="Dana Berg"' in page


def test_preview_keeps_the_review_line_only_for_the_reviewed_wording(
    admin_client, reviewer, make_question
):
    question = make_question(answer="Reviewed wording.")
    services.mark_reviewed(question=question, reviewer=reviewer)
    form = {
        "category": question.category_id,
        "question_en": question.question,
        "slug": question.slug,
        "answer_en": question.answer,
    }
    url = f"{CHANGELIST}{question.pk}/preview/"
    assert REVIEWED_LINE.search(strip_tags(admin_client.post(url, form).content.decode()))
    form["answer_en"] = "Unreviewed wording."
    assert not REVIEWED_LINE.search(strip_tags(admin_client.post(url, form).content.decode()))
