"""Screenshots for the README and the staff guide: `make screenshots`.

The main pages at phone and desktop size, and the admin screens the staff guide walks through.

Not part of the test suite (pytest collects test_*.py only); run through pytest so it uses the
browser harness, the starter content and the same checks for page problems.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import CallAttempt, ConsultationRequest
from faq.models import Question

from .support import SIZES, STAFF_PASSWORD, fill_login_form

pytestmark = pytest.mark.browser

OUTPUT = Path(settings.BASE_DIR) / "docs" / "screenshots"


def fill_with_a_mistake(page):
    """The same in every language: fields found by their id."""
    page.locator("#id_name").fill("Zoë O'Brien-Nguyễn")
    page.locator("#id_phone").fill("555 0123")
    page.locator("#id_best_times_0").check()
    page.locator("button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()


def open_question(page):
    expect(page.locator("details[open] > summary")).to_be_focused()


# Name, address, and what to do on the page before the picture is taken.
SHOTS = [
    ("home", "/", None),
    ("faq", "/faq/#is-ketamine-safe", open_question),
    ("faq-search", "/faq/?q=lozenge", None),
    ("question", "/faq/how-is-the-ketamine-given/", None),
    ("consultation", "/consultation/", None),
    ("consultation-errors", "/consultation/", fill_with_a_mistake),
    ("thanks", "/consultation/thanks/", None),
    ("es-home", "/es/", None),
    ("es-faq", "/es/faq/#is-ketamine-safe", open_question),
    ("es-faq-search", "/es/faq/?q=inyeccion", None),
    ("es-question", "/es/faq/how-is-the-ketamine-given/", None),
    ("es-consultation-errors", "/es/consultation/", fill_with_a_mistake),
    ("es-thanks", "/es/consultation/thanks/", None),
]


def sign_in_pictures(page, staff, authenticator_code):
    """The admin's sign-in page filled in, and what it says when the app's code is missing."""
    page.goto(reverse("admin:index"))
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill("492816")
    page.screenshot(path=OUTPUT / "staff-sign-in.png", full_page=True)
    fill_login_form(page, staff)
    expect(page.get_by_text("Enter the 6-digit code from your authenticator app.")).to_be_visible()
    page.screenshot(path=OUTPUT / "staff-sign-in-code.png", full_page=True)
    fill_login_form(page, staff, authenticator_code(staff))
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


def made_up_requests(staff):
    """Three requests as the list shows them: one overdue, one being called, one just in."""
    now = timezone.now()
    ConsultationRequest.objects.create(
        name="Avery Example",
        phone="+16515550100",
        best_times=["morning"],
        voicemail_ok=True,
        created_at=now - timedelta(days=6),
    )
    called = ConsultationRequest.objects.create(
        name="Sam Example",
        phone="+16515550101",
        email="sam@example.com",
        best_times=["midday", "evening"],
        voicemail_ok=False,
        note="I work mornings; evenings are easiest for me.",
        created_at=now - timedelta(hours=20),
        assigned_to=staff,
        status=ConsultationRequest.Status.CONTACTING,
    )
    CallAttempt.objects.create(
        request=called,
        called_by=staff,
        called_at=now - timedelta(hours=3),
        outcome="no_answer",
        notes="No voicemail: she asked us not to leave one.",
    )
    ConsultationRequest.objects.create(
        name="Jordan Example",
        phone="+16515550102",
        best_times=["afternoon"],
        voicemail_ok=True,
        created_at=now - timedelta(minutes=25),
    )
    return called


def call_log_picture(page, consultation):
    """A request's page after a second call has been logged on it."""
    page.goto(reverse("admin:consultations_consultationrequest_change", args=[consultation.pk]))
    call = page.locator("#call_attempts-1")
    call.get_by_role("combobox").select_option(label="Asked to call later")
    call.get_by_role("textbox", name=re.compile("notes", re.I)).fill(
        "Call back Thursday after 2 pm."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#call_attempts-1")).to_contain_text("Robin")
    page.screenshot(path=OUTPUT / "staff-request-call-log.png", full_page=True)


def close_step_picture(page):
    """The reason asked for when requests are closed from the list."""
    page.goto(reverse("admin:consultations_consultationrequest_changelist"))
    page.locator("#result_list tbody tr").first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Close selected requests…")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("You are closing 1 request:")).to_be_visible()
    page.get_by_label("Reason for closing").select_option(label="Could not be reached")
    page.screenshot(path=OUTPUT / "staff-close-requests.png", full_page=True)


def staff_pictures(open_page, make_staff, log_in, authenticator_code):
    """The admin as intake staff and a content editor see it, with a few made-up requests."""
    staff = make_staff("robin", "Intake staff", "Robin")
    consultation = made_up_requests(staff)
    page = open_page(**SIZES["desktop"], reduced_motion="reduce")
    sign_in_pictures(page, staff, authenticator_code)
    page.goto(reverse("admin:consultations_consultationrequest_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.screenshot(path=OUTPUT / "admin-requests-desktop.png", full_page=True)
    call_log_picture(page, consultation)
    close_step_picture(page)

    editor = make_staff("casey", "Content editors", "Casey")
    page = open_page(**SIZES["desktop"], reduced_motion="reduce")
    log_in(page, editor)
    question = Question.objects.get(slug="how-is-the-ketamine-given")
    page.goto(reverse("admin:faq_question_change", args=[question.pk]))
    expect(page.get_by_label("Published")).to_be_checked()
    page.screenshot(path=OUTPUT / "staff-question-edit.png", full_page=True)


def test_screenshots(open_page, make_staff, log_in, authenticator_code):
    """The starter content (loaded by the migrations) fills the pages as a new site shows them.
    One test for both sizes: the database is emptied after each browser test."""
    assert Question.objects.published().count() >= 8
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for size, context_args in SIZES.items():
        page = open_page(**context_args, reduced_motion="reduce")
        for name, path, prepare in SHOTS:
            page.goto(path)
            if prepare:
                prepare(page)
            page.screenshot(
                path=OUTPUT / f"{name}-{size}.png", full_page=True, animations="disabled"
            )
    staff_pictures(open_page, make_staff, log_in, authenticator_code)
