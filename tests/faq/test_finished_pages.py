"""Repeat visits to shared FAQ pages answered from the copy each process keeps in memory
(faq.views.FinishedPages, served by faq.middleware.FinishedPageMiddleware)."""

import time

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faq.models import RECENT_VERSION_SECONDS, Question
from faq.views import FinishedPages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock_stands_still(monkeypatch):
    """The content version read stays recent however slow the machine: what is tested is which
    visits memory answers, not how long a second is."""
    now = time.monotonic()
    monkeypatch.setattr("faq.models.questions.time.monotonic", lambda: now)
    return now


@pytest.fixture
def pages(category, make_question):
    """A question with its list, a search finding it and its own page."""
    question = make_question(question="How long is a session?", answer="About two hours.")
    paths = ["/faq/", "/faq/?q=session", question.get_absolute_url()]
    return question, paths


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_visit_costs_no_query_and_sends_the_same_page(
    client, pages, django_assert_num_queries
):
    """Once a page has been served, visits within RECENT_VERSION_SECONDS are answered from
    memory: not even the content version is read."""
    _, paths = pages
    for path in paths:
        first = client.get(path)
        with django_assert_num_queries(0):
            again = client.get(path)
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


def test_a_save_shows_on_the_very_next_visit(client, pages):
    """A save in this process forgets the recent version: the kept copies are not served."""
    question, paths = pages
    for path in paths:
        client.get(path)
        client.get(path)
    question.answer = "About three hours, with the session."
    question.save()
    for path in paths:
        assert "About three hours" in html(client.get(path)), path


def test_an_edit_made_elsewhere_shows_once_the_recent_version_expires(
    client, pages, monkeypatch, clock_stands_still
):
    """Another server's edit (no signal here) shows within RECENT_VERSION_SECONDS."""
    question, paths = pages
    for path in paths:
        client.get(path)
    Question.objects.filter(pk=question.pk).update(
        question="Edited elsewhere: how long is a session?", updated_at=timezone.now()
    )
    for path in paths:
        assert "Edited elsewhere" not in html(client.get(path)), path
    later = clock_stands_still + RECENT_VERSION_SECONDS
    monkeypatch.setattr("faq.models.questions.time.monotonic", lambda: later)
    for path in paths:
        assert "Edited elsewhere" in html(client.get(path)), path


def test_two_languages_are_kept_apart(client, category, make_question):
    """The English and the Spanish copy of a page each go to their own address only."""
    question = make_question(
        question="Is there parking?",
        answer="Behind the building.",
        question_es="¿Hay estacionamiento?",
        answer_es="Detrás del edificio.",
    )
    page = question.get_absolute_url()
    pairs = [("/faq/", "/es/faq/"), (page, f"/es{page}")]
    for _ in range(3):
        for english, spanish in pairs:
            english_page, spanish_page = client.get(english), client.get(spanish)
            assert "Behind the building." in html(english_page)
            assert "Detrás del edificio." not in html(english_page)
            assert "Detrás del edificio." in html(spanish_page)
            assert "Behind the building." not in html(spanish_page)
            assert english_page["Content-Language"] == "en"
            assert spanish_page["Content-Language"] == "es"


@pytest.mark.parametrize("visitor", ["staff", "messages"])
def test_staff_and_visitors_with_messages_never_get_the_kept_copy(
    client, admin_client, pages, visitor
):
    """A signed-in staff member's page (or one with messages) is rendered for them, with their
    messages, even when memory holds the shared copy of the same address."""
    question, _ = pages
    client.get("/faq/")
    client.get("/faq/")
    admin_client.post(
        "/admin/faq/question/", {"action": "publish", "_selected_action": [question.pk]}
    )
    if visitor == "staff":
        page = admin_client.get("/faq/")
    else:
        client.cookies[CookieStorage.cookie_name] = admin_client.cookies[
            CookieStorage.cookie_name
        ].value
        page = client.get("/faq/")
    assert "1 question(s) published." in html(page)


def test_a_kept_page_carries_the_same_security_headers_as_a_rendered_one(client, pages):
    """Every middleware still runs for a page answered from memory: security headers, CSP and a
    request id of its own; no cookie is set and caches are told it depends on the cookies."""
    _, paths = pages
    for path in paths:
        rendered = client.get(path, secure=True)
        kept = client.get(path, secure=True)
        names = {name for name, _ in rendered.items()}
        assert names == {name for name, _ in kept.items()}, path
        for name in names - {"X-Request-ID"}:
            assert kept[name] == rendered[name], name
        assert kept["X-Request-ID"] != rendered["X-Request-ID"]
        assert kept["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in kept["Content-Security-Policy"]
        assert "nonce-" not in kept["Content-Security-Policy"]
        assert "Cookie" in kept["Vary"]
        assert kept.cookies == {}
        assert "csrfmiddlewaretoken" not in kept.content.decode()


@pytest.mark.parametrize(
    ("method", "path"), [("head", "/faq/"), ("get", "/faq/?utm_source=x"), ("post", "/faq/")]
)
def test_only_plain_visits_are_answered_from_memory(client, pages, method, path):
    """What is_shared_page refuses goes on to the view, which renders it."""
    client.get("/faq/")
    client.get("/faq/?utm_source=x")
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method)(path)
    assert len(queries) > 0


def test_memory_is_bounded_and_the_oldest_copies_go_first():
    """Searches are many: past the limit the oldest copies make room for new ones."""
    pages = FinishedPages(max_bytes=250)
    for number in range(5):
        pages.keep("v1", f"/faq/{number}/", ("en",), HttpResponse(b"x" * 100))
        assert pages.size <= 250
    assert not pages.has("v1", "/faq/0/")
    assert pages.response("v1", "/faq/4/", ("en",)).content == b"x" * 100
    assert pages.response("v1", "/faq/4/", ("es",)) is None
    pages.keep("v1", "/faq/big/", ("en",), HttpResponse(b"x" * 251))
    assert not pages.has("v1", "/faq/big/")


def test_a_new_version_drops_every_kept_copy():
    pages = FinishedPages(max_bytes=1000)
    pages.keep("v1", "/faq/", ("en",), HttpResponse(b"old"))
    pages.keep("v2", "/faq/?q=x", ("en",), HttpResponse(b"new"))
    assert not pages.has("v1", "/faq/")
    assert pages.response("v2", "/faq/", ("en",)) is None
    assert pages.size == 3
