"""Staff in a real browser: intake staff work a new request; a content editor changes an answer."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import CallAttempt, ConsultationRequest

from .support import SIZES, assert_accessible, fill_login_form, send_consultation_form

pytestmark = pytest.mark.browser


def ask_for_a_call(page):
    """The patient's side, briefly: a request sent through the form."""
    page.goto("/consultation/")
    send_consultation_form(page, "Ana Lucía Pérez", "651-555-0142", "Afternoon (1–5 pm)")
    expect(page).to_have_url(re.compile(r"/consultation/thanks/(\?by=[\w:%-]+)?$"))
    return ConsultationRequest.objects.get(name="Ana Lucía Pérez")


def test_intake_staff_work_a_new_request(open_page, make_staff, authenticator_code):
    """Log in with both factors, find the new request flagged in the list, log a call, close it."""
    waiting = ConsultationRequest.objects.create(
        name="Earlier Patient",
        phone="+16515550100",
        voicemail_ok=True,
        best_times=["morning"],
        created_at=timezone.now() - timedelta(days=6),
    )
    new = ask_for_a_call(open_page(**SIZES["phone"]))
    staff = make_staff("robin", "Intake staff", "Robin")

    page = open_page()
    page.goto(reverse("admin:index"))
    expect(page).to_have_url(re.compile(r"/login/"))
    assert_accessible(page)
    # The password alone does not get in.
    fill_login_form(page, staff)
    expect(page.get_by_text("Enter the 6-digit code from your authenticator app.")).to_be_visible()
    assert_accessible(page)
    fill_login_form(page, staff, authenticator_code(staff))
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    page.get_by_role("link", name="All sections of the admin").click()
    page.locator("tr.model-consultationrequest").get_by_role("link").first.click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    # Open requests, the longest waiting first; the one nobody called in time stands out.
    expect(rows.nth(0)).to_contain_text(f"#{waiting.pk}")
    expect(rows.nth(0).locator(".consult-overdue")).to_have_text("Overdue")
    expect(rows.nth(1)).to_contain_text(f"#{new.pk}")
    expect(rows.nth(1)).to_contain_text("New")
    expect(rows.nth(1)).to_contain_text("Afternoon (1–5 pm)")
    expect(rows.nth(1).locator(".consult-overdue")).to_have_count(0)
    assert_accessible(page)

    rows.nth(1).get_by_role("link", name=f"#{new.pk}").click()
    expect(page.get_by_role("heading", level=2, name=f"Request #{new.pk}")).to_be_visible()
    expect(page.get_by_role("link", name="(651) 555-0142")).to_have_attribute(
        "href", "tel:+16515550142"
    )
    assert_accessible(page)

    call = page.locator("#call_attempts-0")
    call.get_by_role("combobox").select_option(label="Left voicemail")
    call.get_by_role("textbox", name=re.compile("notes", re.I)).fill("Left our name and number.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.get_by_label("Status")).to_have_value("contacting")
    expect(page.locator("#call_attempts-0")).to_contain_text("Robin")
    assert_accessible(page)
    attempt = CallAttempt.objects.get(request=new)
    assert (attempt.called_by, attempt.outcome) == (staff, "left_voicemail")

    page.get_by_label("Status").select_option(label="Closed")
    page.get_by_label("Reason for closing").select_option(label="Could not be reached")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # The list shows open requests by default: the closed one has left it.
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    new.refresh_from_db()
    assert new.status == ConsultationRequest.Status.CLOSED
    assert new.close_reason == ConsultationRequest.CloseReason.UNREACHABLE
    assert new.closed_at is not None


def test_content_editor_changes_an_answer_and_sees_it_on_the_site(
    open_page, make_staff, log_in, faq_content
):
    """Log in as a content editor (who is offered no requests), edit a question, see it live."""
    editor = make_staff("casey", "Content editors", "Casey")
    page = open_page()
    log_in(page, editor)
    expect(page.get_by_role("link", name="Consultation requests")).to_have_count(0)
    page.get_by_role("link", name="All sections of the admin").click()
    expect(page.get_by_role("link", name="Consultation requests")).to_have_count(0)
    page.locator("tr.model-question").get_by_role("link").first.click()
    page.get_by_role("link", name="Is it safe?").click()
    page.get_by_label("Question (English):").fill("Is ketamine-assisted therapy safe?")
    page.get_by_label("Answer (English):").fill(
        "The dose is low and prescribed for you.\n\nA clinician **stays with you** throughout."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    patient = open_page(**SIZES["phone"])
    patient.goto("/faq/#is-it-safe")
    question = patient.locator("#is-it-safe")
    expect(question.locator("summary")).to_have_text("Is ketamine-assisted therapy safe?")
    expect(question.locator("strong")).to_have_text("stays with you")
    patient.goto(faq_content["safe"].get_absolute_url())
    expect(patient.get_by_role("heading", level=1)).to_have_text(
        "Is ketamine-assisted therapy safe?"
    )
