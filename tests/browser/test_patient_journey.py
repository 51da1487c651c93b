"""A patient's way through the site in a real browser, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from consultations.models import ConsultationRequest

from .support import SIZES, assert_accessible, assert_fits_width

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


def expect_trap_field_hidden_from_people(page):
    """The field only bots fill in is there once, out of sight and out of screen readers' way."""
    trap = page.locator("input[name='leave_this_empty']")
    expect(trap).to_have_count(1)
    expect(
        page.locator(".honeypot[aria-hidden='true'] input[name='leave_this_empty']")
    ).to_have_count(1)
    expect(page.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    box = trap.bounding_box()
    assert box["x"] + box["width"] <= 0, f"the trap field is on screen at {box}"
    expect(trap).to_have_attribute("tabindex", "-1")


NAME = "Zoë O'Brien-Nguyễn"
NOTE = "Please ask for Zoë. I'm free after 3 on Tuesdays."


def expect_errors_kept_and_announced(page, *, javascript=True):
    """The form came back with a summary, a message by each wrong field, and the typed values."""
    expect(page).to_have_title(re.compile(r"^Please check your answers"))
    summary = page.locator("#error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("Please check 3 answers")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter a phone number we can call, with the area code, like (651) 555-0123.",
            "Tell us whether we may leave a voicemail: choose yes or no.",
            "Please confirm that you are 18 or older and agree to be called.",
        ]
    )
    if javascript:
        expect(summary).to_be_focused()
    phone = page.get_by_label("Phone number")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone_error")).to_have_text(
        "Error: Enter a phone number we can call, with the area code, like (651) 555-0123."
    )
    expect(page.get_by_label("Your name")).to_have_value(NAME)
    expect(phone).to_have_value("555 0123")
    expect(page.get_by_label("Email (optional)")).to_have_value("zoe@example.com")
    expect(page.get_by_label("Evening (5–7 pm)")).to_be_checked()
    expect(page.get_by_label("Morning (8–11 am)")).not_to_be_checked()
    expect(page.get_by_label("Anything that helps us call you (optional)")).to_have_value(NOTE)
    expect(page.get_by_label("How did you hear about us? (optional)")).to_have_value("clinician")
    assert ConsultationRequest.objects.count() == 0


def fill_with_mistakes(page):
    """A name in several scripts, a phone number without its area code, two answers left out."""
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Phone number").fill("555 0123")
    page.get_by_label("Email (optional)").fill("zoe@example.com")
    page.get_by_label("Evening (5–7 pm)").check()
    page.get_by_label("Anything that helps us call you (optional)").fill(NOTE)
    page.get_by_label("How did you hear about us? (optional)").select_option("clinician")
    page.get_by_role("button", name="Ask us to call me").click()


def correct_the_form(page):
    page.get_by_label("Phone number").fill("(651) 555-0123")
    page.get_by_label("Morning (8–11 am)").check()
    page.get_by_label("No, please don't leave a voicemail").check()
    page.get_by_label("I am 18 or older, and I agree to be called at this number.").check()


def correct_and_send(page):
    correct_the_form(page)
    page.get_by_role("button", name="Ask us to call me").click()


def expect_thanks_and_one_stored_request(page):
    expect(page).to_have_url(re.compile(r"/consultation/thanks/(\?by=[\w:%-]+)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We'll call you.")
    expect(page.get_by_role("main")).to_contain_text("(952) 260-3550")
    expect(page.get_by_role("main")).not_to_contain_text("Zoë")
    expect(page.get_by_role("main")).not_to_contain_text("555-0123")
    request = ConsultationRequest.objects.get()
    assert request.name == NAME
    assert request.phone == "+16515550123"
    assert request.email == "zoe@example.com"
    assert request.best_times == ["morning", "evening"]
    assert request.voicemail_ok is False
    assert request.note == NOTE
    assert request.heard_about == "clinician"
    assert request.status == ConsultationRequest.Status.NEW


@pytest.mark.parametrize("size", SIZES)
def test_patient_reads_the_faq_and_asks_for_a_call(open_page, faq_content, size):
    """Home, FAQ, a question opened from its link, search, then the consultation form: first
    with mistakes, then right, at phone and desktop size."""
    page = open_page(**SIZES[size])
    read_the_faq(page, faq_content)

    page.get_by_role("link", name="Ask us to call you").click()
    expect(page).to_have_url(re.compile(r"/consultation/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask us to call you")
    expect(page.get_by_text("This form is not for emergencies.")).to_be_visible()
    expect_trap_field_hidden_from_people(page)
    assert_fits_width(page)

    fill_with_mistakes(page)
    expect_errors_kept_and_announced(page)
    assert_fits_width(page)
    # Each message in the summary leads to its field.
    page.locator("#error-summary").get_by_role("link").first.click()
    expect(page.get_by_label("Phone number")).to_be_focused()

    correct_and_send(page)
    expect_thanks_and_one_stored_request(page)
    assert_fits_width(page)


def test_consultation_form_with_javascript_off(open_page):
    """Without JavaScript the form still reports mistakes, keeps every value and sends."""
    page = open_page(java_script_enabled=False, **SIZES["phone"])
    page.goto("/consultation/")
    fill_with_mistakes(page)
    expect_errors_kept_and_announced(page, javascript=False)
    expect(page.locator("#id_note_counter")).to_be_hidden()
    correct_and_send(page)
    expect_thanks_and_one_stored_request(page)


def tab_to(page, selector, limit=40):
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got focus in {limit} presses of Tab")


def focused_id(page):
    return page.evaluate("() => document.activeElement.id")


def test_consultation_form_with_the_keyboard_alone(page):
    """Skip link, every field in order (the hidden trap field never), the error summary and its
    links, and sending: all without a pointer."""
    page.goto("/consultation/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    tab_to(page, "#id_name")

    order = ["id_name", "id_phone", "id_email", "id_best_times_0", "id_best_times_1"]
    order += ["id_best_times_2", "id_best_times_3", "id_voicemail_ok_0"]
    # The language group stops on the page's language, the interpreter group on "No".
    order += ["id_call_language_0", "id_call_language_other", "id_interpreter_1", "id_note"]
    order += ["id_heard_about", "id_consent"]
    # Then the optional call-time step: its radio group (one stop), the next day, the emails.
    order += ["id_call_at_0", "", "id_confirm_by_email", "id_remind_by_email"]
    for expected in order[1:]:
        page.keyboard.press("Tab")
        assert focused_id(page) == expected
        if not expected:
            expect(page.locator(":focus")).to_have_text(re.compile(r"^Later day: "))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ask us to call me")).to_be_focused()

    # Send it empty: the summary takes focus and its first link leads to the name field.
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary").get_by_role("heading")).to_have_text(
        "Please check 5 answers"
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your name")).to_be_focused()

    page.keyboard.type(NAME)
    page.keyboard.press("Tab")
    page.keyboard.type("651.555.0123")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # no email
    page.keyboard.press("Space")  # morning
    tab_to(page, "#id_best_times_3")
    page.keyboard.press("Space")  # evening
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # from "yes" to "no, please don't"
    expect(page.get_by_label("No, please don't leave a voicemail")).to_be_checked()
    page.keyboard.press("Tab")  # English, already chosen
    page.keyboard.press("Tab")  # no other language
    page.keyboard.press("Tab")  # no interpreter
    page.keyboard.press("Tab")
    page.keyboard.type(NOTE)
    expect(page.locator("#id_note_counter")).to_have_text(f"{500 - len(NOTE)} characters left")
    page.keyboard.press("Tab")
    page.keyboard.type("My doctor")
    expect(page.get_by_label("How did you hear about us? (optional)")).to_have_value("clinician")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(
        page.get_by_label("I am 18 or older, and I agree to be called at this number.")
    ).to_be_checked()
    tab_to(page, "button.button--primary")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/consultation/thanks/(\?by=[\w:%-]+)?$"))
    request = ConsultationRequest.objects.get()
    assert (request.name, request.phone, request.email) == (NAME, "+16515550123", "")
    assert request.best_times == ["morning", "evening"]
    assert request.voicemail_ok is False
    assert request.heard_about == "clinician"
    assert (request.call_language, request.interpreter) == ("en", False)


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


def test_form_left_open_too_long_comes_back_filled_in(page, page_problems):
    """When the form's security token has expired, the patient gets the form back as they filled
    it in, with a plain explanation, and can send it again."""
    page.goto("/consultation/")
    fill_with_mistakes(page)  # a first try, so that everything typed is on the page
    correct_the_form(page)
    page.context.clear_cookies()  # what a long pause does to the form's token
    page_problems.expect_status("/consultation/", 403)
    page.get_by_role("button", name="Ask us to call me").click()
    expect(page.get_by_role("status")).to_contain_text("Your form was open too long")
    expect(page.get_by_label("Your name")).to_have_value(NAME)
    expect(page.get_by_label("Phone number")).to_have_value("(651) 555-0123")
    expect(page.get_by_label("Evening (5–7 pm)")).to_be_checked()
    expect(page.get_by_label("No, please don't leave a voicemail")).to_be_checked()
    assert_accessible(page)
    assert ConsultationRequest.objects.count() == 0

    page.get_by_label("I am 18 or older, and I agree to be called at this number.").check()
    page.get_by_role("button", name="Ask us to call me").click()
    expect_thanks_and_one_stored_request(page)
