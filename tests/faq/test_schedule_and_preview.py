from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from faq.models import Question, content_version

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/faq/question/"


def test_visible_follows_the_schedule(make_question):
    now = timezone.now()
    always = make_question()
    later = make_question(publish_at=now + timedelta(hours=1))
    ended = make_question(unpublish_at=now - timedelta(minutes=1))
    window = make_question(
        publish_at=now - timedelta(hours=1), unpublish_at=now + timedelta(hours=1)
    )
    make_question(is_published=False)
    mine = Question.objects.filter(category=always.category)
    assert set(mine.visible(now)) == {always, window}
    assert set(mine.visible(now + timedelta(hours=2))) == {always, later}
    assert set(mine.published()) == {always, window}
    assert ended in mine.visible(now - timedelta(minutes=2))


def test_pages_sitemap_and_search_show_a_scheduled_question_only_in_its_window(
    client, make_question
):
    now = timezone.now()
    later = make_question(question="Holiday hours?", publish_at=now + timedelta(days=1))
    ended = make_question(question="Old notice?", unpublish_at=now - timedelta(seconds=1))
    listing = client.get("/faq/").content.decode()
    assert "Holiday hours?" not in listing and "Old notice?" not in listing
    assert "Holiday" not in client.get("/faq/?q=holiday").content.decode().split("</form>")[1]
    for question in (later, ended):
        assert client.get(question.get_absolute_url()).status_code == 404
        assert question.slug not in client.get("/sitemap.xml").content.decode()


def test_a_boundary_passing_gives_a_new_content_version(make_question):
    now = timezone.now()
    make_question(publish_at=now + timedelta(minutes=5), unpublish_at=now + timedelta(minutes=10))
    before = content_version(now)
    assert content_version(now + timedelta(minutes=4)) == before
    appears = content_version(now + timedelta(minutes=6))
    disappears = content_version(now + timedelta(minutes=11))
    assert len({before, appears, disappears}) == 3


def test_hide_from_must_be_after_show_from(admin_client, make_question, category):
    now = timezone.localtime()
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {
            "category": category.pk,
            "question_en": "Backwards?",
            "slug": "backwards",
            "answer_en": "No.",
            "position": 1,
            "is_published": "on",
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": "12:00:00",
            "unpublish_at_0": now.strftime("%Y-%m-%d"),
            "unpublish_at_1": "11:00:00",
        },
    )
    assert response.status_code == 200
    assert "must be later than" in response.content.decode()
    assert not Question.objects.filter(slug="backwards").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(publish_at=timezone.now(), unpublish_at=timezone.now() - timedelta(1))


def test_a_draft_with_points_to_decide_cannot_be_published(admin_client, make_question, category):
    form = {
        "category": category.pk,
        "question_en": "What does it cost?",
        "slug": "cost",
        "answer_en": "Each session costs [TO DECIDE: price].",
        "position": 1,
        "is_published": "on",
    }
    response = admin_client.post(f"{CHANGELIST}add/", form)
    assert response.status_code == 200
    assert "still has points marked [TO DECIDE" in response.content.decode()
    assert not Question.objects.filter(slug="cost").exists()

    draft = make_question(answer="[TO DECIDE: insurance]", is_published=False)
    response = admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Not published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published is False
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(answer="Costs [TO DECIDE: price].", is_published=True)


def test_preview_shows_unsaved_text_through_the_site_template_and_saves_nothing(
    admin_client, client, make_question
):
    question = make_question(answer="Published words.")
    client.get("/faq/")
    client.get(question.get_absolute_url())
    cached_before = set(cache._cache.keys())
    response = admin_client.post(
        f"{CHANGELIST}{question.pk}/preview/",
        {
            "category": question.category_id,
            "question_en": question.question,
            "slug": question.slug,
            "answer_en": "Draft words with <script>alert(1)</script> **bold**.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in html
    assert "<strong>bold</strong>" in html and "<script>alert" not in html
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    question.refresh_from_db()
    assert question.answer == "Published words."
    assert set(cache._cache.keys()) == cached_before
    assert "Draft words" not in client.get(question.get_absolute_url()).content.decode()
    assert "Draft words" not in client.get("/faq/").content.decode()


def test_preview_of_a_new_question_and_who_may_preview(
    admin_client, client, staff_client_for, make_staff_user, category
):
    response = admin_client.post(
        f"{CHANGELIST}preview/",
        {"category": category.pk, "question_en": "Brand new?", "answer_en": "Not saved."},
    )
    assert response.status_code == 200
    assert "Brand new?" in response.content.decode()
    assert not Question.objects.filter(question="Brand new?").exists()
    viewer = make_staff_user("viewer", permissions=["view_question"])
    assert staff_client_for(viewer).post(f"{CHANGELIST}preview/", {}).status_code == 403
    assert client.post(f"{CHANGELIST}preview/", {"answer": "x"}).status_code == 302


def test_editor_form_has_room_and_reading_level(admin_client, make_question):
    question = make_question(answer="Short words. Easy to read.")
    html = admin_client.get(f"{CHANGELIST}{question.pk}/change/").content.decode()
    assert 'size="80"' in html
    assert 'rows="18"' in html
    assert "Aim for grade 8 or below" in html
    listing = admin_client.get(CHANGELIST).content.decode()
    assert "reading grade" in listing.lower()
