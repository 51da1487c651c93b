"""axe-core finds no WCAG 2.2 A or AA problem on any page, in any state, at either size."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from consultations.models import ConsultationRequest
from consultations.views import client_key

from .support import SIZES, assert_accessible, send_consultation_form

pytestmark = pytest.mark.browser

# Each public page and state, with words that show the page is in that state.
PUBLIC_PAGES = {
    "home": ("/", "Medication-assisted psychotherapy in"),
    "faq": ("/faq/", "Medication and safety"),
    "faq search with results": ("/faq/?q=lozenge", "1 question found"),
    "faq search without results": ("/faq/?q=zebra", "We couldn't find an answer"),
    "faq question opened from its link": ("/faq/#is-it-safe", "you are supported throughout"),
    "question page": ("/faq/is-it-safe/", "you are supported throughout"),
    "privacy": ("/privacy/", "Who sees it"),
    "consultation form": ("/consultation/", "This form is not for emergencies."),
    "thanks": ("/consultation/thanks/", "What happens next"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_accessible(open_page, faq_content, size, name):
    path, shown = PUBLIC_PAGES[name]
    page = open_page(**SIZES[size])
    page.goto(path)
    expect(page.get_by_text(shown).first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_not_found_page_is_accessible(open_page, page_problems, size):
    page_problems.expect_status("/no-such-page/", 404)
    page = open_page(**SIZES[size])
    page.goto("/no-such-page/")
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_consultation_form_with_errors_is_accessible(open_page, size):
    page = open_page(**SIZES[size])
    page.goto("/consultation/")
    page.get_by_label("Phone number").fill("12")
    page.get_by_role("button", name="Ask us to call me").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_too_many_requests_page_is_accessible(open_page, page_problems, size):
    """The form as a patient sees it after too many requests from one connection (HTTP 429):
    filled in as they left it, asking them to call."""
    # The live server sees the browser at the loopback address, IPv4 or IPv6.
    for address in ["127.0.0.1", "::1"]:
        for number in range(settings.CONSULTATION_RATE_LIMIT_PER_HOUR):
            ConsultationRequest.objects.create(
                name="Earlier",
                phone=f"+1651555010{number}",
                voicemail_ok=True,
                client_key=client_key(address),
            )
    page_problems.expect_status("/consultation/", 429)
    page = open_page(**SIZES[size])
    page.goto("/consultation/")
    send_consultation_form(page, "Sam", "(651) 555-0199", "Morning (8–11 am)")
    expect(page.get_by_role("heading", name="Please call us instead")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Your name")).to_have_value("Sam")
    assert_accessible(page)
