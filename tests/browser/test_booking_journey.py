"""Booking the call in a real browser, with the server's clock fixed on a Monday morning: a
patient on a phone, keyboard only and without JavaScript, picks a time on another day and later
changes it from the email's link; staff see the booking in the day view and move it. axe checks
every new state."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from consultations import call_links
from consultations.models import ConsultationRequest

from .support import SIZES, assert_accessible, assert_fits_width, path_of

pytestmark = pytest.mark.browser

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=CHICAGO)  # bookable from 11:00 today
TUESDAY_NINE = datetime(2026, 12, 8, 9, 0, tzinfo=CHICAGO)
MONDAY_ELEVEN = datetime(2026, 12, 7, 11, 0, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def booking_settings(settings):
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"
    settings.CONSULTATION_CALL_SLOT_MINUTES = 15
    settings.CONSULTATION_BOOKING_MIN_BUSINESS_HOURS = 2
    settings.CONSULTATION_BOOKING_BUSINESS_DAYS = 10
    settings.CONSULTATION_CALLS_PER_SLOT = 1


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got focus in {limit} presses of Tab")


def assert_accessible_as_shown(page, open_page):
    """axe on a page shown with JavaScript off (axe itself needs it): the same document, served
    again to a phone-sized page that runs scripts, with the site's own stylesheets."""
    html, url = page.content(), page.url
    checker = open_page(**SIZES["phone"])
    checker.route(
        url,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    checker.goto(url)
    assert_accessible(checker)
    checker.context.close()


def patient_emails():
    return [email for email in mail.outbox if email.to == ["sam@example.org"]]


def link_in(email):
    return path_of(re.search(r"https://clinic\.test/consultation/call/\S+/", email.body).group(0))


def test_a_patient_books_another_day_by_keyboard_without_javascript_then_changes_it(
    open_page, page_problems
):
    with time_machine.travel(MONDAY, tick=True):
        page = open_page(java_script_enabled=False, **SIZES["phone"])
        page.goto("/consultation/")
        expect(page.get_by_role("group", name="Free times on Monday, December 7")).to_be_visible()
        assert_accessible_as_shown(page, open_page)

        tab_to(page, "#id_name")
        page.keyboard.type("Sam Okafor")
        page.keyboard.press("Tab")
        page.keyboard.type("651 555 0142")
        page.keyboard.press("Tab")
        page.keyboard.type("sam@example.org")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # mornings
        tab_to(page, "#id_voicemail_ok_0")
        page.keyboard.press("Space")
        tab_to(page, "#id_consent")
        page.keyboard.press("Space")

        # The next day, by a plain button: the page comes back with everything typed.
        tab_to(page, "button[name=show_day]")
        expect(page.locator(":focus")).to_have_text("Later day: Tuesday, December 8")
        page.keyboard.press("Enter")
        expect(page.get_by_role("group", name="Free times on Tuesday, December 8")).to_be_visible()
        expect(page.get_by_label("Your name")).to_have_value("Sam Okafor")
        expect(page.get_by_label("Email (optional)")).to_have_value("sam@example.org")
        expect(page.get_by_label("Morning (8–11 am)")).to_be_checked()
        expect(page.get_by_label("I am 18 or older, and I agree")).to_be_checked()
        assert_accessible_as_shown(page, open_page)
        assert_fits_width(page)

        # Into the radio group (on "no preference") and down to the day's first time.
        tab_to(page, "input[name=call_at]")
        expect(page.get_by_label("No preference: call me at one of my best times")).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(page.get_by_label("9 a.m.", exact=True)).to_be_checked()
        tab_to(page, "#id_confirm_by_email")
        page.keyboard.press("Space")
        tab_to(page, "button.button--primary")
        expect(page.locator(":focus")).to_have_text("Ask us to call me")
        page.keyboard.press("Enter")

        expect(page.locator(".lead")).to_have_text(
            "We have your request. We'll call you on Tuesday, December 8 at 9 a.m. Central time."
        )
        assert_accessible_as_shown(page, open_page)
        booked = ConsultationRequest.objects.get()
        assert booked.call_at == TUESDAY_NINE

        # From the email's link: the booked time only, and a new time picked by keyboard.
        (confirmation,) = patient_emails()
        first_link = link_in(confirmation)
        page.goto(first_link)
        expect(page.locator(".lead")).to_have_text(
            "Your call is booked for Tuesday, December 8 at 9 a.m. Central time."
        )
        expect(page.get_by_text("Sam")).to_have_count(0)
        assert_accessible_as_shown(page, open_page)
        assert_fits_width(page)
        tab_to(page, "input[name=call_at]")
        page.keyboard.press("Space")
        expect(page.get_by_label("11 a.m.", exact=True)).to_be_checked()
        tab_to(page, "button[name=change]")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Your call time is changed.")
        expect(page.locator(".lead")).to_have_text(
            "Your call is booked for Monday, December 7 at 11 a.m. Central time."
        )
        assert_accessible_as_shown(page, open_page)
        assert ConsultationRequest.objects.get().call_at == MONDAY_ELEVEN
        assert len(patient_emails()) == 2

        # The first link was used: it says so, and where to turn.
        page_problems.expect_status(first_link, 410)
        page.goto(first_link)
        expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        expect(page.locator(".lead")).to_contain_text("already used")
        assert_accessible_as_shown(page, open_page)


def test_a_time_taken_meanwhile_and_a_cancelled_call(open_page, page_problems, make_consultation):
    """The form comes back with the values and the next free times; cancelling frees the time."""
    with time_machine.travel(MONDAY, tick=True):
        page = open_page(**SIZES["phone"])
        page.goto("/consultation/")
        page.get_by_label("Your name").fill("Ari Lund")
        page.get_by_label("Phone number").fill("(651) 555-0177")
        page.get_by_label("Morning (8–11 am)").check()
        page.get_by_label("Yes, you may leave a voicemail").check()
        page.get_by_label("I am 18 or older, and I agree").check()
        page.get_by_label("11 a.m.", exact=True).check()
        # A reminder asked for without an email address: said at the top and beside the box.
        page.get_by_label("Email me a reminder the day before").check()
        page.get_by_role("button", name="Ask us to call me").click()
        expect(page.locator("#error-summary")).to_contain_text("enter your email address above")
        expect(page.get_by_label("11 a.m.", exact=True)).to_be_checked()
        assert_accessible(page)
        page.get_by_label("Email me a reminder the day before").uncheck()
        make_consultation(call_at=MONDAY_ELEVEN, phone="+16515550100")  # someone was quicker
        page_problems.expect_status("/consultation/", 409)
        page.get_by_role("button", name="Ask us to call me").click()
        expect(page.get_by_role("heading", name="That time was just taken")).to_be_visible()
        expect(page.locator("#slot-taken li").first).to_have_text(
            "Monday, December 7 at 11:15 a.m. Central time"
        )
        expect(page.get_by_label("Your name")).to_have_value("Ari Lund")
        assert_accessible(page)
        assert_fits_width(page)

        booked = make_consultation(call_at=MONDAY_ELEVEN + timedelta(hours=1), call_version=1)
        page.goto(call_links.change_path(booked))
        page.get_by_role("button", name="Cancel the call").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your call is cancelled")
        assert_accessible(page)


def test_staff_see_a_booking_in_the_day_view_and_move_it(
    open_page, make_staff, log_in, make_consultation
):
    with time_machine.travel(MONDAY, tick=True):
        staff = make_staff("robin", "Intake staff", "Robin")
        booked = make_consultation(
            call_at=MONDAY_ELEVEN,
            call_version=1,
            call_confirmation_wanted=True,
            email="sam@example.org",
        )
        page = open_page()
        log_in(page, staff)
        todays = page.get_by_role("region", name="Today's booked calls")
        expect(todays.get_by_role("listitem")).to_have_text(f"11 a.m.: Request #{booked.pk}")
        assert_accessible(page)

        todays.get_by_role("link", name="Booked calls by time slot").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Booked calls on Monday, December 7"
        )
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="11 a.m."))
        expect(row).to_contain_text(f"Request #{booked.pk}")
        assert_accessible(page)

        row.get_by_role("link", name=f"move request #{booked.pk}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Move the call for request #{booked.pk}"
        )
        assert_accessible(page)
        page.get_by_label("New call time").select_option(TUESDAY_NINE.isoformat())
        page.get_by_role("button", name="Move the call").click()
        expect(page.locator(".messagelist")).to_contain_text(
            f"Request #{booked.pk} moved to Tuesday, December 8 at 9 a.m. Central time."
        )
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="9 a.m."))
        expect(row).to_contain_text(f"Request #{booked.pk}")
        assert_accessible(page)
        assert ConsultationRequest.objects.get(pk=booked.pk).call_at == TUESDAY_NINE
        (moved,) = patient_emails()
        assert moved.subject == "New time for our call: Tuesday, December 8 at 9 a.m. Central time"
