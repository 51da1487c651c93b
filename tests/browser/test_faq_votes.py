"""'Did this answer your question?' in a real browser: with and without JavaScript, by keyboard."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from faq.models import Feedback, Vote

from .support import SIZES, assert_accessible

pytestmark = pytest.mark.browser

NOTE = "Whether I can drive home afterwards"


def votes_for(question):
    return {vote.helpful: vote.count for vote in Vote.objects.filter(question=question)}


def expect_thanks_focused(page, words):
    thanks = page.locator("#vote-thanks")
    expect(thanks).to_be_focused()
    expect(thanks).to_contain_text(words)
    return thanks


def check_accessible(page, javascript):
    """axe runs inside the page, so only where JavaScript is on; the markup is the same."""
    if javascript:
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_yes_on_a_question_page(open_page, faq_content, javascript):
    page = open_page(java_script_enabled=javascript, **SIZES["phone"])
    page.goto("/faq/is-it-safe/")
    page.get_by_role("group", name="Did this answer your question?").get_by_role(
        "button", name="Yes"
    ).click()
    expect(page).to_have_url(re.compile(r"/faq/is-it-safe/\?voted=is-it-safe&answer=yes#"))
    expect_thanks_focused(page, "glad this helped")
    assert votes_for(faq_content["safe"]) == {True: 1}
    assert page.context.cookies() == []
    check_accessible(page, javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_no_on_the_list_then_a_note(open_page, faq_content, javascript):
    page = open_page(java_script_enabled=javascript)
    page.goto("/faq/")
    question = page.locator("#how-is-it-given")
    question.locator("summary").click()
    question.get_by_role("button", name="No").click()
    expect(page).to_have_url(re.compile(r"/faq/\?voted=how-is-it-given&answer=no#vote-thanks$"))
    expect_thanks_focused(page, "Thank you for telling us")
    expect(page.locator("#how-is-it-given")).to_have_attribute("open", "")
    box = page.get_by_label("What were you hoping to find?")
    expect(box).to_have_attribute("maxlength", "300")
    check_accessible(page, javascript)

    box.fill(NOTE)
    page.get_by_role("button", name="Send").click()
    expect_thanks_focused(page, "We read these notes")
    assert votes_for(faq_content["given"]) == {False: 1}
    assert list(Feedback.objects.values_list("text", flat=True)) == [NOTE]
    assert page.context.cookies() == []
    check_accessible(page, javascript)


def test_an_empty_note_says_what_to_do(open_page, faq_content, page_problems):
    page_problems.expect_status("/faq/is-it-safe/feedback/", 400)
    page = open_page()
    page.goto("/faq/is-it-safe/?voted=is-it-safe&answer=no")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Please write a few words")).to_be_visible()
    expect(page.get_by_label("What were you hoping to find?")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert not Feedback.objects.exists()
    assert_accessible(page)


def tab_to(page, selector, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got focus in {limit} presses of Tab")


def test_voting_and_writing_a_note_with_the_keyboard_alone(page, faq_content):
    page.goto("/faq/is-it-safe/")
    tab_to(page, 'button[value="no"]')
    page.keyboard.press("Enter")
    expect_thanks_focused(page, "Thank you for telling us")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    tab_to(page, "#feedback-text")
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    page.keyboard.press("Enter")
    expect_thanks_focused(page, "We read these notes")
    assert votes_for(faq_content["safe"]) == {False: 1}
    assert list(Feedback.objects.values_list("text", flat=True)) == [NOTE]


def test_a_misspelt_search_offers_the_right_words(page, faq_content):
    """PostgreSQL suggests the answers' own words; SQLite says nothing was found."""
    page.goto("/faq/")
    page.get_by_role("searchbox", name="Search the questions").fill("lozenje")
    page.get_by_role("button", name="Search").click()
    if connection.vendor == "postgresql":
        expect(page.get_by_role("link", name="lozenge")).to_be_visible()
        expect(page.locator("#how-is-it-given")).to_be_visible()
    else:
        expect(page.get_by_text("We couldn't find an answer")).to_be_visible()
    assert_accessible(page)


def test_a_vote_from_another_site_gets_a_clear_page(page, faq_content, page_problems, base_url):
    """A form on a page of another origin sends a vote: refused, nothing stored, a way back."""
    page_problems.expect_status("/faq/is-it-safe/vote/", 403)
    page.set_content(
        f'<form method="post" action="{base_url}/faq/is-it-safe/vote/">'
        '<button name="helpful" value="yes">Yes</button></form>'
    )
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answer could not be counted")
    expect(page.get_by_role("link", name="Back to the questions and answers")).to_be_visible()
    assert not Vote.objects.exists()
    assert_accessible(page)
