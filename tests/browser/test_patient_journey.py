"""A patient's way through the site in a real browser, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from .support import SIZES, assert_fits_width

pytestmark = pytest.mark.browser


def read_the_faq(page, faq_content):
    """Home -> FAQ -> a question opened from a /faq/#slug link -> search, with and without hits."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Medication-assisted")
    expect(page.get_by_role("link", name="Call (952) 260-3550").first).to_have_attribute(
        "href", "tel:+19522603550"
    )
    expect(page.get_by_role("complementary", name="Crisis support")).to_contain_text("988")
    assert_fits_width(page)

    page.get_by_role("link", name="Read common questions").click()
    expect(page).to_have_url(re.compile(r"/faq/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions and answers")
    expect(page.get_by_role("link", name="Questions & answers")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("details.faq-item")).to_have_count(3)
    expect(page.locator("details.faq-item[open]")).to_have_count(0)
    expect(page.get_by_text("A draft about lozenge flavours")).to_have_count(0)
    assert_fits_width(page)

    # A question's own page links back to its place in the list, which opens it.
    given = faq_content["given"]
    page.goto(given.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(given.question)
    page.get_by_role("link", name="All questions").click()
    expect(page).to_have_url(re.compile(r"/faq/#how-is-it-given$"))
    expect(page.locator("#how-is-it-given")).to_have_attribute("open", "")
    expect(page.locator("#how-is-it-given > summary")).to_be_focused()
    expect(page.locator("#how-is-it-given").get_by_text("lozenge")).to_be_visible()
    expect(page.locator("#is-it-safe")).not_to_have_attribute("open", "")

    # A /faq/#slug link followed within the page opens that question too.
    page.evaluate("() => { window.location.hash = 'is-it-safe'; }")
    expect(page.locator("#is-it-safe")).to_have_attribute("open", "")

    search = page.get_by_role("searchbox", name="Search the questions")
    search.fill("lozenge")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/faq/\?q=lozenge$"))
    expect(page.get_by_role("heading", name="Results for “lozenge”")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 question found")
    expect(page.locator("details.faq-item > summary")).to_have_text([given.question])
    expect(search).to_have_value("lozenge")
    page.locator("#how-is-it-given > summary").click()
    expect(page.locator("#how-is-it-given")).to_have_attribute("open", "")

    search.fill("zebra crossing")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Results for “zebra crossing”")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("We couldn't find an answer")
    expect(page.locator("details.faq-item")).to_have_count(0)
    assert_fits_width(page)

    page.get_by_role("link", name="see all questions").click()
    expect(page.locator("details.faq-item")).to_have_count(3)


@pytest.mark.parametrize("size", SIZES)
def test_patient_reads_the_faq(open_page, faq_content, size):
    """Home, FAQ, a question opened from its link, and search work at phone and desktop size."""
    page = open_page(**SIZES[size])
    read_the_faq(page, faq_content)


def test_faq_works_without_javascript(open_page, faq_content):
    """Without JavaScript, answers open with a click and search still finds them."""
    page = open_page(java_script_enabled=False, **SIZES["phone"])
    page.goto("/faq/")
    question = page.locator("#is-it-safe")
    expect(question).not_to_have_attribute("open", "")
    question.locator("summary").click()
    expect(question).to_have_attribute("open", "")
    expect(question.get_by_text("you are supported throughout")).to_be_visible()

    page.get_by_role("searchbox", name="Search the questions").fill("lozenge")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 question found")


def test_missing_page_offers_a_way_on(page, page_problems):
    """An unknown address gives the branded 404 page with the phone number and links onward."""
    page_problems.expect_status("/no-such-page/", 404)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    expect(page.get_by_role("main").get_by_role("link", name="(952) 260-3550")).to_have_attribute(
        "href", "tel:+19522603550"
    )
    page.get_by_role("link", name="home page").click()
    expect(page).to_have_url(re.compile(r"/$"))
