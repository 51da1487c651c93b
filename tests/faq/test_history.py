import pytest
import reversion
from reversion.models import Version

from faq.history import word_diff
from faq.models import Question

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/faq/question/"


def change_form(question, **changes):
    form = {
        "category": question.category_id,
        "question_en": question.question,
        "slug": question.slug,
        "answer_en": question.answer,
        "is_published": "on" if question.is_published else "",
        "position": question.position,
    }
    # The admin has a question and an answer field per language; these tests change the English.
    form.update(
        {
            f"{name}_en" if name in ("question", "answer") else name: value
            for name, value in changes.items()
        }
    )
    return form


def versions_of(question):
    return list(Version.objects.get_for_object(question).order_by("pk"))


def test_admin_saves_keep_every_version_with_who_saved_it(admin_client, admin_user, make_question):
    question = make_question(answer="First words.")
    for answer in ("Second words.", "Third words."):
        response = admin_client.post(
            f"{CHANGELIST}{question.pk}/change/", change_form(question, answer=answer)
        )
        assert response.status_code == 302
    versions = versions_of(question)
    assert [v.field_dict["answer"] for v in versions] == [
        "First words.",
        "Second words.",
        "Third words.",
    ]
    assert versions[-1].revision.user == admin_user
    history = admin_client.get(f"{CHANGELIST}{question.pk}/history/").content.decode()
    assert history.count('name="from"') == 3


def test_the_history_page_shows_a_word_diff_between_any_two_versions(admin_client, make_question):
    question = make_question(answer="Take it with food.")
    admin_client.post(
        f"{CHANGELIST}{question.pk}/change/",
        change_form(question, answer="Take it with water."),
    )
    first, second = versions_of(question)
    html = admin_client.get(
        f"{CHANGELIST}{question.pk}/history/?from={first.pk}&to={second.pk}"
    ).content.decode()
    assert '<del><span class="visually-hidden">[removed: </span>food.' in html
    assert '<ins><span class="visually-hidden">[added: </span>water.' in html
    assert "style=" not in html.split('id="diff-heading"')[1]


def test_word_diff_escapes_and_marks_changes_in_words():
    html = word_diff("a <b> c", "a <b> d e")
    assert "&lt;b&gt;" in html
    assert "<del>" in html and "[removed: </span>c" in html
    assert "[added: </span>d e" in html
    assert word_diff("same", "same") == "same"


def test_restore_is_one_step_and_saved_as_a_new_version(admin_client, make_question):
    with reversion.create_revision():
        question = make_question(answer="Original.")
    admin_client.post(
        f"{CHANGELIST}{question.pk}/change/", change_form(question, answer="Rewritten.")
    )
    original = versions_of(question)[0]
    response = admin_client.post(f"{CHANGELIST}{question.pk}/history/restore/{original.pk}/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Original."
    assert question.answer_html == "<p>Original.</p>"
    versions = versions_of(question)
    assert len(versions) == 3
    assert "Restored" in versions[-1].revision.get_comment()


def test_restore_needs_change_permission_and_a_post(
    admin_client, staff_client_for, make_staff_user, make_question
):
    with reversion.create_revision():
        question = make_question(answer="Original.")
    version = versions_of(question)[0]
    url = f"{CHANGELIST}{question.pk}/history/restore/{version.pk}/"
    assert admin_client.get(url).status_code == 405
    viewer = make_staff_user("viewer", permissions=["view_question"])
    assert staff_client_for(viewer).post(url).status_code == 403


def test_publish_and_unpublish_actions_and_list_edits_create_versions(admin_client, make_question):
    question = make_question(is_published=False)
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [question.pk]})
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [question.pk]})
    admin_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": question.pk,
            "form-0-position": "77",
            "form-0-is_published": "on",
            "_save": "Save",
        },
    )
    states = [
        (v.field_dict["is_published"], v.field_dict["position"]) for v in versions_of(question)
    ]
    assert states == [(True, question.position), (False, question.position), (True, 77)]


def test_a_deleted_question_can_be_recovered(admin_client, make_question):
    question = make_question(question="Gone for now?", answer="Still needed.")
    pk = question.pk
    response = admin_client.post(f"{CHANGELIST}{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=pk).exists()
    recover_list = admin_client.get(f"{CHANGELIST}recover/").content.decode()
    assert "Gone for now?" in recover_list
    [deleted] = Version.objects.get_deleted(Question)
    form = change_form(question)
    response = admin_client.post(f"{CHANGELIST}recover/{deleted.pk}/", form)
    assert response.status_code == 302
    recovered = Question.objects.get(pk=pk)
    assert recovered.answer == "Still needed."


def test_bulk_delete_keeps_versions_to_recover(admin_client, make_question):
    questions = [make_question() for _ in range(2)]
    admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [q.pk for q in questions], "post": "yes"},
    )
    assert not Question.objects.filter(pk__in=[q.pk for q in questions]).exists()
    deleted = {int(version.object_id): version for version in Version.objects.get_deleted(Question)}
    assert set(deleted) == {q.pk for q in questions}
    first = questions[0]
    response = admin_client.post(f"{CHANGELIST}recover/{deleted[first.pk].pk}/", change_form(first))
    assert response.status_code == 302
    assert list(Question.objects.filter(pk__in=deleted)) == [first]
