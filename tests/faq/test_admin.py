import pytest

from faq.models import Question

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/faq/question/"


def test_question_changelist_and_search(admin_client, make_question):
    make_question(question="Where do I park for my quetzal visit?")
    make_question(question="Other?", answer="Mentions quetzal in the answer.")
    make_question(question="Unrelated?")
    response = admin_client.get(CHANGELIST, {"q": "quetzal"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_question_changelist_filters_by_published_state(admin_client, make_question):
    make_question(question="Draft mongoose?", is_published=False)
    response = admin_client.get(CHANGELIST, {"is_published__exact": "0"})
    drafts = [q.question for q in response.context["cl"].result_list]
    assert "Draft mongoose?" in drafts
    assert all(not q.is_published for q in response.context["cl"].result_list)


def test_add_question_from_admin_renders_answer(admin_client, category):
    response = admin_client.post(
        "/admin/faq/question/add/",
        {
            "category": category.pk,
            "question_en": "Added in admin?",
            "slug": "added-in-admin",
            "answer_en": "Yes, **really**.",
            "is_published": "on",
            "position": 3,
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(slug="added-in-admin")
    assert question.answer_html == "<p>Yes, <strong>really</strong>.</p>"


def test_change_question_shows_on_site(admin_client, client, make_question):
    question = make_question(question="Before edit?", slug="edited")
    change_url = f"/admin/faq/question/{question.pk}/change/"
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert "Written in Markdown" in page.content.decode()
    assert 'href="/admin/r/' in page.content.decode()  # "view on site"
    response = admin_client.post(
        change_url,
        {
            "category": question.category_id,
            "question_en": "After edit?",
            "slug": "edited",
            "answer_en": "New answer",
            "is_published": "on",
            "position": question.position,
        },
    )
    assert response.status_code == 302
    assert "After edit?" in client.get("/faq/edited/").content.decode()


def test_reorder_and_unpublish_from_the_list(admin_client, category, make_question):
    first = make_question(question="First?", position=1)
    second = make_question(question="Second?", position=2)
    response = admin_client.post(
        CHANGELIST + f"?category__id__exact={category.pk}",
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": first.pk,
            "form-0-position": "20",
            "form-0-is_published": "on",
            "form-1-id": second.pk,
            "form-1-position": "10",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (20, 10)
    assert second.is_published is False
    assert list(Question.objects.published().filter(category=category)) == [first]


def test_publish_and_unpublish_actions(admin_client, make_question):
    question = make_question(is_published=False)
    before = question.updated_at
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [question.pk]})
    question.refresh_from_db()
    assert question.is_published
    assert question.updated_at > before  # the sitemap's lastmod moves
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [question.pk]})
    question.refresh_from_db()
    assert not question.is_published


def test_category_admin_reorders_from_list(admin_client, category):
    response = admin_client.get("/admin/faq/category/")
    assert response.status_code == 200
    assert "Getting started" in response.content.decode()


def test_view_only_staff_cannot_publish_or_unpublish(
    staff_client_for, make_question, django_user_model
):
    """Publishing is a change: staff who may only look at questions get no such action."""
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(
        "viewer", password="a-long-test-password", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    client = staff_client_for(viewer)
    assert client.get(CHANGELIST).status_code == 200
    question = make_question(is_published=False)
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [question.pk]})
    question.refresh_from_db()
    assert not question.is_published
    assert response.status_code in (200, 302)
