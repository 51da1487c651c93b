"""Intake staff's day in a real browser, with the server's clock moved on between days: the home,
the overdue list, a phone-in request, three unanswered calls over two days, closing it as not
reached. The clock is moved for the whole process, so the live server sees the same time."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from consultations.models import AuditEntry, ConsultationRequest

from .support import assert_accessible, fill_login_form

pytestmark = pytest.mark.browser

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=CHICAGO)
TUESDAY = datetime(2026, 12, 8, 10, 15, tzinfo=CHICAGO)


def sign_in(page, staff, code):
    expect(page).to_have_url(re.compile(r"/login/"))
    fill_login_form(page, staff, code)


def log_call(page, index, outcome):
    call = page.locator(f"#call_attempts-{index}")
    call.get_by_role("combobox").select_option(label=outcome)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def test_a_phone_in_request_called_three_times_and_closed_as_not_reached(
    open_page, make_staff, authenticator_code
):
    staff = make_staff("robin", "Intake staff", "Robin")
    with time_machine.travel(MONDAY, tick=True) as clock:
        overdue = ConsultationRequest.objects.create(
            name="Waiting Patient",
            phone="+16515550100",
            voicemail_ok=True,
            best_times=["morning"],
            created_at=MONDAY - timedelta(days=4),  # Thursday: due Friday
        )
        page = open_page()
        page.goto(reverse("admin:index"))
        sign_in(page, staff, authenticator_code(staff))

        # The home: the day's numbers, each a link.
        expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
        overdue_tile = page.locator(".staff-tile").filter(has_text="Overdue now")
        expect(overdue_tile.locator(".staff-tile-number")).to_have_text("1")
        assert_accessible(page)
        overdue_tile.get_by_role("link").click()
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(f"#{overdue.pk}")
        expect(rows.first.locator(".consult-overdue")).to_have_text("Overdue")

        # Someone calls the clinic: intake adds their request.
        page.get_by_role("link", name="Add consultation request").click()
        page.get_by_label("How the request came in").select_option(label="Phone call")
        page.get_by_label("Name").fill("Lee Caller")
        page.get_by_label("Phone number to call").fill("(651) 555-0161")
        page.get_by_label("Morning (8–11 am)").check()
        page.get_by_label("Yes, you may leave a voicemail").check()
        page.get_by_label("The person is 18 or older and agreed to be called").check()
        assert_accessible(page)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("added. Log calls below.")
        added = ConsultationRequest.objects.get(name="Lee Caller")
        assert (added.source, added.entered_by, added.consent_confirmed_by) == (
            "phone",
            staff,
            staff,
        )
        expect(page.get_by_role("heading", level=2, name=f"Request #{added.pk}")).to_be_visible()

        # Two unanswered calls on Monday.
        log_call(page, 0, "No answer")
        clock.shift(timedelta(minutes=20))
        page.reload()
        log_call(page, 1, "Left voicemail")
        assert not ConsultationRequest.objects.not_reached().exists()

        # Tuesday: a new day (the browser was closed overnight), a new sign-in, the third call.
        # Every staff response renews the session cookie: let the page's own requests finish
        # first, or a late one sets it again after it was cleared.
        page.wait_for_load_state("networkidle")
        page.context.clear_cookies()
        clock.move_to(TUESDAY)
        page.reload()
        sign_in(page, staff, authenticator_code(staff))
        expect(page.get_by_role("heading", level=2, name=f"Request #{added.pk}")).to_be_visible()
        log_call(page, 2, "No answer")

        # The list flags it; the action closes it.
        page.goto(
            reverse("admin:consultations_consultationrequest_changelist") + "?not_reached=yes"
        )
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Ready to close: not reached")
        rows.first.get_by_role("checkbox").check()
        page.locator("select[name=action]").select_option(
            label="Close as not reached (only those ready to close)"
        )
        page.get_by_role("button", name="Run").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "1 request closed as could not be reached."
        )

        added.refresh_from_db()
        assert added.status == ConsultationRequest.Status.CLOSED
        assert added.close_reason == ConsultationRequest.CloseReason.UNREACHABLE
        assert AuditEntry.objects.filter(
            request_id=added.pk, via="admin action: close as not reached"
        ).exists()
        called_days = {
            attempt.called_at.astimezone(CHICAGO).date() for attempt in added.call_attempts.all()
        }
        assert called_days == {MONDAY.date(), TUESDAY.date()}

        # "How we're doing", and the home again, pass axe.
        page.goto(reverse("admin:consultations_metrics"))
        expect(page.get_by_role("heading", level=1, name="How we're doing")).to_be_visible()
        expect(page.locator("svg.consult-chart")).to_have_count(4)
        assert_accessible(page)
        page.goto(reverse("admin:index"))
        expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
        assert_accessible(page)
