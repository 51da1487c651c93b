import pytest

from faq.markdown import render_markdown
from faq.models import Category, Question

pytestmark = pytest.mark.django_db


def test_answer_is_rendered_to_html_when_saved(make_question):
    """Saving a question stores its answer as HTML, so page views don't render Markdown."""
    question = make_question(answer="Plain **bold** and a [link](https://example.org/x).")
    question.refresh_from_db()
    assert "<strong>bold</strong>" in question.answer_html
    assert (
        '<a href="https://example.org/x" rel="noopener noreferrer">link</a>' in question.answer_html
    )


def test_changing_the_answer_renders_it_again(make_question):
    """An edit to the Markdown is reflected in the stored HTML."""
    question = make_question(answer="First")
    question.answer = "*Second*"
    question.save()
    question.refresh_from_db()
    assert question.answer_html == "<p><em>Second</em></p>"


def test_save_with_update_fields_keeps_html_in_step(make_question):
    """save(update_fields=["answer"]) still updates the derived HTML."""
    question = make_question(answer="Old")
    question.answer = "New"
    question.save(update_fields=["answer"])
    question.refresh_from_db()
    assert question.answer_html == "<p>New</p>"


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<p style="position:fixed">x</p>', "style="),
    ],
)
def test_rendering_removes_scripts_and_event_handlers(markdown, forbidden):
    """Whatever staff paste, no script, handler, frame or style reaches the page."""
    assert forbidden not in render_markdown(markdown).lower()


def test_rendering_keeps_lists_headings_and_safe_links():
    html = render_markdown("### Heading\n\n- one\n- two\n\n[call](tel:+19522603550)")
    assert "<h3>Heading</h3>" in html
    assert "<li>one</li>" in html
    assert 'href="tel:+19522603550"' in html


def test_top_level_headings_are_reduced_to_text():
    """A '#' heading would break the page's heading order, so only its text is kept."""
    html = render_markdown("# Big")
    assert "<h1>" not in html and "Big" in html


def test_published_queryset_excludes_drafts(category, make_question):
    shown = make_question()
    make_question(is_published=False)
    assert list(Question.objects.published().filter(category=category)) == [shown]


def test_search_finds_words_in_question_and_answer(category, make_question):
    in_question = make_question(question="Is the zebrafish protocol safe?")
    in_answer = make_question(answer="The zeppelin dissolves under the tongue.")
    make_question(question="Unrelated", answer="Nothing here.")
    assert list(Question.objects.search("zebrafish")) == [in_question]
    assert list(Question.objects.search("zeppelin")) == [in_answer]
    assert list(Question.objects.search("ZEBRAFISH")) == [in_question]


def test_strings_and_urls(category, make_question):
    question = make_question(slug="what-is-it")
    assert str(category) == "Getting started"
    assert str(question) == question.question
    assert question.get_absolute_url() == "/faq/what-is-it/"
    assert category.get_absolute_url() == "/faq/#getting-started"


def test_starter_content_is_loaded_by_migrate():
    """A fresh database already holds a useful, published FAQ."""
    assert Category.objects.count() >= 3
    assert Question.objects.published().count() >= 8
    assert all(q.answer_html.startswith("<") for q in Question.objects.all())


def test_search_matches_every_word_not_the_exact_phrase(category, make_question):
    """ "quokka therapy" finds a question with both words apart, on every database."""
    both = make_question(question="Can a quokka join?", answer="Only in group therapy.")
    make_question(question="Quokka only?", answer="No other word.")
    assert list(Question.objects.search("quokka therapy")) == [both]
