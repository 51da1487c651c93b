import gzip

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.csp import LazyNonce

from faq.models import (
    Category,
    Question,
    content_version,
    forget_recent_content_version,
    recent_content_version,
)
from faq.views import finished_pages, is_shared_page, shared_page_cache

pytestmark = pytest.mark.django_db


def faq_html(client, path="/faq/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_cached_list_costs_at_most_one_query_whatever_the_number_of_questions(
    client, category, make_question, django_assert_max_num_queries
):
    """Guards the cache: a repeat visit reads at most the content version, never the questions."""
    for _ in range(5):
        make_question()
    client.get("/faq/")
    with django_assert_max_num_queries(1):
        client.get("/faq/")
    for _ in range(50):
        make_question()
    client.get("/faq/")
    with django_assert_max_num_queries(1):
        client.get("/faq/")


def test_cached_question_page_costs_at_most_one_query(
    client, make_question, django_assert_max_num_queries
):
    """A repeat visit to a question page reads at most the content version."""
    question = make_question()
    client.get(question.get_absolute_url())
    with django_assert_max_num_queries(1):
        assert client.get(question.get_absolute_url()).status_code == 200


def test_signed_in_staff_list_costs_a_constant_number_of_queries(
    admin_client, category, make_question
):
    """Staff get the list from the cached fragment: the same queries with 5 or 55 questions."""
    for _ in range(5):
        make_question()
    admin_client.get("/faq/")
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/faq/")
    for _ in range(50):
        make_question()
    admin_client.get("/faq/")
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/faq/")
    assert len(many) == len(few)


def test_an_edit_made_elsewhere_shows_once_the_recent_version_expires(client, make_question):
    """Another server's edit (no signal here) shows here within RECENT_VERSION_SECONDS."""
    question = make_question(question="As it was?")
    assert "As it was?" in faq_html(client)
    Question.objects.filter(pk=question.pk).update(
        question="As another server saved it?", updated_at=timezone.now()
    )
    forget_recent_content_version()  # what RECENT_VERSION_SECONDS do
    assert "As another server saved it?" in faq_html(client)


def test_an_edited_answer_shows_at_once(client, make_question):
    """Saving a question changes the version, so the cached list and page are not reused."""
    question = make_question(answer="The old wording.")
    assert "The old wording." in faq_html(client)
    assert "The old wording." in faq_html(client, question.get_absolute_url())
    question.answer = "The new wording."
    question.save()
    assert "The new wording." in faq_html(client)
    assert "The new wording." in faq_html(client, question.get_absolute_url())


def test_unpublish_action_takes_questions_off_the_cached_pages(admin_client, client, make_question):
    """The admin's unpublish action (a queryset update) also changes the version."""
    question = make_question(question="Soon to be hidden?")
    assert "Soon to be hidden?" in faq_html(client)
    assert client.get(question.get_absolute_url()).status_code == 200
    admin_client.post(
        "/admin/faq/question/",
        {"action": "unpublish", "_selected_action": [question.pk]},
    )
    assert not Question.objects.get(pk=question.pk).is_published
    assert "Soon to be hidden?" not in faq_html(client)
    assert client.get(question.get_absolute_url()).status_code == 404


def test_renamed_category_and_deleted_question_show_at_once(client, category, make_question):
    """Renaming a category or deleting a question changes the cached list too."""
    keep, gone = make_question(), make_question(question="About to be deleted?")
    assert "About to be deleted?" in faq_html(client)
    category.name = "A better name"
    category.save()
    gone.delete()
    html = faq_html(client)
    assert "A better name" in html
    assert "About to be deleted?" not in html
    assert keep.question in html


def test_content_version_moves_with_every_kind_of_change(category, make_question):
    """Each change that alters the FAQ list gives a new version."""
    question = make_question()
    seen = {content_version()}
    for change in [
        lambda: question.save(),
        lambda: Question.objects.filter(pk=question.pk).delete(),
        lambda: make_question(),
        lambda: category.save(),
        lambda: Category.objects.create(name="New", slug="new"),
    ]:
        change()
        version = content_version()
        assert version not in seen
        seen.add(version)


def test_faq_pages_are_compressed_for_browsers_that_ask(client, make_question):
    """gzip when asked (most of the page weight), the same HTML either way, and the right Vary."""
    make_question(answer="Compressible. " * 50)
    plain = client.get("/faq/")
    packed = client.get("/faq/", headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
        assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    ("method", "path", "cookies", "shared"),
    [
        ("get", "/faq/", {}, True),
        ("get", "/faq/", {"csrftoken": "x"}, True),
        ("get", "/faq/?q=session", {}, True),
        ("get", "/faq/?q=a&q=b", {}, False),
        ("get", "/faq/?q=session&page=2", {}, False),
        ("get", "/faq/?utm_source=x", {}, False),
        ("get", "/faq/", {"SESSION": "x"}, False),
        ("get", "/faq/", {CookieStorage.cookie_name: "x"}, False),
        ("head", "/faq/", {}, False),
        ("post", "/faq/", {}, False),
    ],
)
def test_only_plain_visits_without_session_or_messages_share_a_page(
    settings, method, path, cookies, shared
):
    """Signed-in staff, visitors with messages and odd query strings never get a shared page."""
    request = getattr(RequestFactory(), method)(path)
    for name, value in cookies.items():
        request.COOKIES[settings.SESSION_COOKIE_NAME if name == "SESSION" else name] = value
    assert is_shared_page(request) is shared


def test_signed_in_staff_get_a_fresh_page_with_their_messages(admin_client, make_question):
    """Staff with a session are not served the shared page, so their messages are shown."""
    question = make_question()
    admin_client.post(
        "/admin/faq/question/", {"action": "publish", "_selected_action": [question.pk]}
    )
    html = faq_html(admin_client)
    assert "1 question(s) published." in html
    assert question.question in html


def test_search_shows_the_best_twenty_and_says_there_are_more(client, make_question):
    """However many questions match, the page shows 20 and says how to narrow the search."""
    for number in range(25):
        make_question(question=f"Is the quokka number {number} friendly?")
    html = faq_html(client, "/faq/?q=quokka")
    assert html.count('class="faq-item"') == 20
    assert "More than 20 questions found" in html
    assert "Add a word to narrow your search" in html


def test_search_finds_text_changed_by_a_queryset_update(client, make_question):
    """The search index follows every write, update() and bulk_create included."""
    question = make_question(answer="Nothing special.")
    Question.objects.filter(pk=question.pk).update(answer="Now about the wombat.")
    Question.objects.bulk_create(
        [Question(category=question.category, question="Bulk?", slug="bulk", answer="wombat")]
    )
    html = faq_html(client, "/faq/?q=wombat")
    assert "2 questions found" in html


def test_search_orders_by_rank_on_postgresql_and_by_position_elsewhere(client, make_question):
    """PostgreSQL ranks a word in the question above the same word in an answer; SQLite, which
    has no ranking, keeps the staff's order."""
    in_answer = make_question(question="First?", answer="Mentions the numbat once.", position=1)
    in_question = make_question(question="Is a numbat involved?", answer="No.", position=2)
    html = faq_html(client, "/faq/?q=numbat")
    expected = (
        [in_question, in_answer] if connection.vendor == "postgresql" else [in_answer, in_question]
    )
    assert html.index(expected[0].question) < html.index(expected[1].question)


def test_repeated_search_is_cached_until_the_content_changes(
    client, make_question, django_assert_max_num_queries
):
    """The same search again costs at most one query; an edit shows in the results at once."""
    question = make_question(question="Where is the echidna?")
    assert "1 question found" in faq_html(client, "/faq/?q=echidna")
    with django_assert_max_num_queries(1):
        client.get("/faq/", {"q": "echidna"})
    make_question(question="Another echidna?")
    assert "2 questions found" in faq_html(client, "/faq/?q=echidna")
    question.delete()
    assert "1 question found" in faq_html(client, "/faq/?q=echidna")


@pytest.mark.parametrize("private", ["csrf token", "csp nonce"])
def test_a_page_carrying_a_token_or_nonce_is_never_shared(rf, private):
    """A page that used this request's CSRF token or CSP nonce is rendered for each visitor."""
    renders = []

    @shared_page_cache
    def view(request):
        renders.append(request)
        secret = get_token(request) if private == "csrf token" else str(request._csp_nonce)
        return HttpResponse(secret)

    bodies = set()
    for _ in range(2):
        request = rf.get("/faq/")
        request._csp_nonce = LazyNonce()
        bodies.add(view(request).content)
    assert len(renders) == 2
    assert len(bodies) == 2
    assert not finished_pages.has(recent_content_version(), "/faq/")
