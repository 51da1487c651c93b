"""Staff narrow and sort the request list in a real browser, by keyboard, with and without
JavaScript: its filters, flags and sortable columns as the list builds them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import CallAttempt, ConsultationRequest

from .support import assert_accessible

pytestmark = pytest.mark.browser

CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


def make_requests():
    now = timezone.now()
    overdue = ConsultationRequest.objects.create(
        name="Waiting Long",
        phone="+16515550111",
        voicemail_ok=True,
        created_at=now - timedelta(days=6),
    )
    called = ConsultationRequest.objects.create(
        name="Called Twice",
        phone="+16515550112",
        voicemail_ok=False,
        created_at=now - timedelta(hours=3),
    )
    for hours in (1, 2):
        CallAttempt.objects.create(
            request=called,
            called_at=now - timedelta(hours=hours),
            outcome=CallAttempt.Outcome.NO_ANSWER,
        )
    return overdue, called


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_staff_filter_and_sort_the_list_by_keyboard(javascript, open_page, make_staff, log_in):
    overdue, called = make_requests()
    staff = make_staff(f"sam{int(javascript)}", "Intake staff", "Sam")
    page = open_page(java_script_enabled=javascript)
    log_in(page, staff)
    page.goto(CHANGELIST)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"#{overdue.pk}")
    expect(rows.nth(0).locator(".consult-overdue")).to_have_text("Overdue")
    expect(rows.nth(1).locator(".field-call_count")).to_have_text("2")
    expect(rows.nth(1).locator(".consult-no-voicemail")).to_have_text("No")

    # The "Overdue" filter, reached and followed with the keyboard.
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="Overdue", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"overdue=yes"))
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text(f"#{overdue.pk}")
    expect(filters.locator("li.selected")).to_contain_text(["Open", "Overdue"])
    if javascript:
        assert_accessible(page)

    # Sorted by the number of calls, most first, again with the keyboard.
    page.goto(CHANGELIST)
    page.locator("thead th.column-call_count .text a").focus()
    page.keyboard.press("Enter")
    page.locator("thead th.column-call_count .text a").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(0)).to_contain_text(f"#{called.pk}")
    expect(rows.nth(1)).to_contain_text(f"#{overdue.pk}")
    if javascript:
        assert_accessible(page)
