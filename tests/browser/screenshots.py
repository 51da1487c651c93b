"""Screenshots of the main pages at phone and desktop size, for the README: `make screenshots`.

Not part of the test suite (pytest collects test_*.py only); run through pytest so it uses the
browser harness, the starter content and the same checks for page problems.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import CallAttempt, ConsultationRequest
from faq.models import Question

from .support import SIZES

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


def staff_work_list(open_page, make_staff, log_in):
    """The admin's request list as intake staff see it, with a few made-up requests."""
    now = timezone.now()
    staff = make_staff("robin", "Intake staff", "Robin")
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
        best_times=["midday", "evening"],
        voicemail_ok=False,
        created_at=now - timedelta(hours=20),
        assigned_to=staff,
        status=ConsultationRequest.Status.CONTACTING,
    )
    CallAttempt.objects.create(request=called, called_by=staff, outcome="no_answer")
    ConsultationRequest.objects.create(
        name="Jordan Example",
        phone="+16515550102",
        best_times=["afternoon"],
        voicemail_ok=True,
        created_at=now - timedelta(minutes=25),
    )
    page = open_page(**SIZES["desktop"], reduced_motion="reduce")
    log_in(page, staff)
    page.goto(reverse("admin:consultations_consultationrequest_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.screenshot(path=OUTPUT / "admin-requests-desktop.png", full_page=True)


def test_screenshots(open_page, make_staff, log_in):
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
    staff_work_list(open_page, make_staff, log_in)
