import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import Category, Question

pytestmark = pytest.mark.django_db


class FaqPageParser(HTMLParser):
    """Collects the visible questions (<summary> text, <details> ids) and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.detail_ids, self.summaries, self.json_ld = [], [], []
        self._in_summary = self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.detail_ids.append(attrs.get("id"))
        self._in_summary = tag == "summary"
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_summary = self._in_json_ld = False

    def handle_data(self, data):
        if self._in_summary:
            self.summaries.append(data)
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))


def parse(response):
    parser = FaqPageParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def only_our_questions(db):
    """Start from an empty FAQ, without the starter content."""
    Question.objects.all().delete()
    Category.objects.all().delete()


def test_faq_groups_published_questions_by_category_in_staff_order(client, only_our_questions):
    later = Category.objects.create(name="Later", slug="later", position=2)
    first = Category.objects.create(name="First", slug="first", position=1)
    Question.objects.create(category=later, question="L1?", slug="l1", answer="a", position=1)
    Question.objects.create(category=first, question="F2?", slug="f2", answer="a", position=2)
    Question.objects.create(category=first, question="F1?", slug="f1", answer="a", position=1)
    html = client.get("/faq/").content.decode()
    assert html.index(">First<") < html.index(">Later<")
    assert parse(client.get("/faq/")).detail_ids == ["f1", "f2", "l1"]


def test_each_question_is_a_details_element_with_its_slug_as_id(client, make_question):
    question = make_question(question="Deep link target?", slug="deep-link-target")
    html = client.get("/faq/").content.decode()
    assert '<details class="faq-item" id="deep-link-target">' in html
    assert f"<summary>{question.question}</summary>" in html


def test_json_ld_lists_exactly_the_visible_questions(client, make_question):
    make_question(question="Visible one?")
    make_question(question="Hidden one?", is_published=False)
    page = parse(client.get("/faq/"))
    (data,) = page.json_ld
    assert data["@type"] == "FAQPage"
    names = [entry["name"] for entry in data["mainEntity"]]
    assert names == page.summaries
    assert "Visible one?" in names and "Hidden one?" not in names
    assert all(entry["acceptedAnswer"]["text"] for entry in data["mainEntity"])


def test_json_ld_cannot_break_out_of_its_script_tag(client, make_question):
    """A question containing </script> stays inside the JSON-LD block."""
    make_question(question="What about </script><script>alert(1)</script>?")
    html = client.get("/faq/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert "What about </script><script>alert(1)</script>?" in [
        entry["name"] for entry in parse(client.get("/faq/")).json_ld[0]["mainEntity"]
    ]


def test_search_shows_matching_questions_and_matching_json_ld(client, make_question):
    match = make_question(question="Can I drive home after a zephyr session?")
    make_question(question="Something else?")
    response = client.get("/faq/", {"q": "zephyr"})
    page = parse(response)
    assert page.summaries == [match.question]
    assert [e["name"] for e in page.json_ld[0]["mainEntity"]] == [match.question]
    assert "1 question found" in response.content.decode()


def test_search_without_results_is_kind_and_gives_the_phone_number(client):
    response = client.get("/faq/", {"q": "xylophone"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We couldn't find an answer for “xylophone”" in html
    assert "(952) 260-3550" in html
    assert parse(response).json_ld[0]["mainEntity"] == []


@pytest.mark.parametrize(
    "terms",
    [
        "\x00",
        "ketamine\x00",
        "a" * 100_000,
        "'; DROP TABLE faq_question; --",
        "😀 ケタミン",
        "&|!:*",
        "   ",
    ],
)
def test_odd_search_input_never_fails(client, terms):
    """NUL bytes, huge input, SQL and tsquery syntax get a normal page, never an error."""
    response = client.get("/faq/", {"q": terms})
    assert response.status_code == 200
    assert "Questions and answers" in response.content.decode()


def test_search_input_that_is_too_long_says_what_to_fix(client):
    html = client.get("/faq/", {"q": "a" * 201}).content.decode()
    assert "Please shorten your search to 200 characters or fewer" in html


def test_search_is_html_escaped(client):
    html = client.get("/faq/", {"q": "<b>bold</b>"}).content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_question_page_is_shareable_with_canonical_link(client, make_question):
    question = make_question(question="Shareable?", slug="shareable")
    response = client.get("/faq/shareable/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Shareable?</h1>" in html
    assert '<link rel="canonical" href="http://testserver/faq/shareable/">' in html
    assert question.answer_html in html


def test_unpublished_questions_appear_nowhere_public(client, make_question):
    draft = make_question(question="Secret draft zorblax?", slug="secret-draft", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for response in (
        client.get("/faq/"),
        client.get("/faq/", {"q": "zorblax"}),
        client.get("/sitemap.xml"),
    ):
        body = response.content.decode()
        assert "Secret draft" not in body and "secret-draft" not in body


def test_sitemap_lists_pages_and_published_questions(client, make_question):
    question = make_question(slug="in-the-sitemap")
    body = client.get("/sitemap.xml").content.decode()
    for path in ["/", "/faq/", "/consultation/", "/privacy/", question.get_absolute_url()]:
        assert f"<loc>http://testserver{path}</loc>" in body


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_unknown_page_gets_the_branded_404_with_phone(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in html
    assert 'href="tel:+19522603550"' in html


def test_unknown_question_gets_404(client):
    assert client.get("/faq/no-such-question/").status_code == 404


def _count_faq_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/faq/").status_code == 200
    return len(queries)


def test_faq_page_query_count_does_not_grow_with_questions(client, category, make_question):
    """Guards against an N+1 over categories or questions on /faq/."""
    for _ in range(10):
        make_question()
    with_ten = _count_faq_queries(client)
    other = Category.objects.create(name="More", slug="more", position=5)
    for _ in range(190):
        make_question(category=other)
    assert Question.objects.published().count() >= 200
    assert _count_faq_queries(client) == with_ten


def test_search_query_count_does_not_grow_with_results(client, category, make_question):
    """Guards against an N+1 over the categories of search results."""
    for _ in range(3):
        make_question(question="Common quokka word?")
    with CaptureQueriesContext(connection) as few:
        client.get("/faq/", {"q": "quokka"})
    for _ in range(30):
        make_question(question="Common quokka word?")
    with CaptureQueriesContext(connection) as many:
        client.get("/faq/", {"q": "quokka"})
    assert len(many) == len(few)


def test_answers_render_without_markup_leaking(client, make_question):
    make_question(answer="Line with <script>alert('x')</script> inside")
    html = client.get("/faq/").content.decode()
    assert "<script>alert('x')</script>" not in html
    assert not re.search(r"<script>\s*alert", html)
