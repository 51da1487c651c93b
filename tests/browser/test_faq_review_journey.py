"""The clinical review journey in a real browser: an editor edits, previews and saves an answer;
a clinical reviewer marks it reviewed; a patient sees "Medically reviewed by"; the answer prints
cleanly. Every new admin and public state passes axe at WCAG 2.2 A/AA."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import StaffProfile
from faq.models import Question

from .support import assert_accessible

pytestmark = pytest.mark.browser

NEW_ANSWER = "The dose is low and prescribed for you. A therapist stays with you the whole time."


def settled(page):
    """Let the page's own requests (the admin's favicon.ico among them) finish before the next
    step, so two signed-in requests never write the session at once on the test database."""
    page.wait_for_load_state("networkidle")
    return page


def accessible(page):
    assert_accessible(settled(page))


def test_edit_preview_save_review_and_read_the_reviewed_answer(
    open_page, make_staff, log_in, faq_content, staff_roles
):
    question = faq_content["safe"]
    editor = make_staff("casey", "Content editors", "Casey")
    reviewer = make_staff("dana", "Clinical reviewers", "Dana")
    StaffProfile.objects.create(user=reviewer, public_name="Dana Berg", credentials="MD")

    # The editor changes the answer, previews it in a new tab, then saves it.
    page = open_page()
    log_in(page, editor)
    settled(page)
    page.goto(reverse("admin:faq_question_change", args=[question.pk]))
    expect(page.get_by_text("Aim for grade 8 or below")).to_be_visible()
    accessible(page)
    page.get_by_label("Answer (English)").fill(NEW_ANSWER)
    with page.context.expect_page() as preview_tab:
        page.get_by_role("button", name="Preview on the site (opens a new tab)").click()
    preview = settled(preview_tab.value)
    expect(preview.get_by_text("This is how the answer will look on the site.")).to_be_visible()
    expect(preview.locator("article")).to_contain_text(NEW_ANSWER)
    accessible(preview)
    preview.close()
    assert Question.objects.get(pk=question.pk).answer != NEW_ANSWER
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    settled(page)
    assert Question.objects.get(pk=question.pk).answer == NEW_ANSWER

    # The history shows the change word by word.
    page.goto(reverse("admin:faq_question_history", args=[question.pk]))
    expect(page.locator(".faq-diff ins").first).to_be_visible()
    accessible(page)

    editor_page = page

    # The reviewer finds it among the answers never reviewed and marks it reviewed.
    page = open_page()
    log_in(page, reviewer)
    settled(page)
    page.goto(reverse("admin:faq_question_changelist") + "?review=never")
    row = page.locator("#result_list tbody tr", has_text=question.question)
    expect(row).to_contain_text("never reviewed")
    accessible(page)
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Mark selected answers as medically reviewed")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 answer(s) marked as reviewed.")
    accessible(page)

    # The patient sees who reviewed the answer, and when.
    today = timezone.localdate()
    line = f"Medically reviewed by Dana Berg, MD on {today:%B} {today.day}, {today.year}"
    patient = open_page()
    patient.goto(question.get_absolute_url())
    expect(patient.locator("article")).to_contain_text(NEW_ANSWER)
    expect(patient.locator(".reviewed-by")).to_have_text(line)
    accessible(patient)
    patient.goto(reverse("faq:list"))
    patient.get_by_text(question.question, exact=True).click()
    expect(patient.locator(".reviewed-by", has_text="Dana Berg, MD")).to_be_visible()
    accessible(patient)

    # Another edit: the editor is warned that the answer needs a new review.
    editor_page.goto(reverse("admin:faq_question_change", args=[question.pk]))
    editor_page.get_by_label("Answer (English)").fill(NEW_ANSWER + " Call us with any question.")
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(editor_page.get_by_text("changed after its clinical review")).to_be_visible()
    accessible(editor_page)
    patient.goto(question.get_absolute_url())
    expect(patient.locator(".reviewed-by")).to_have_count(0)
    settled(editor_page)
    editor_page.goto(reverse("admin:faq_question_recoverlist"))
    expect(editor_page.get_by_role("heading", name=re.compile("Recover deleted"))).to_be_visible()
    accessible(editor_page)


def test_an_answer_prints_without_navigation_search_or_forms(open_page, faq_content):
    question = faq_content["given"]
    page = open_page()
    page.goto(question.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.locator("article")).to_contain_text("lozenge")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="All questions")).to_be_visible()
    expect(page.get_by_role("link", name="ask us to call you")).to_be_visible()
    expect(page.locator(".site-footer")).to_contain_text("(952) 260-3550")
    expect(page.locator(".crisis-notice")).to_contain_text("988")
    expect(page.locator(".site-header .button--call")).to_be_hidden()

    page.goto(reverse("faq:list"))
    page.emulate_media(media="print")
    expect(page.get_by_role("search")).to_be_hidden()
    buttons = page.locator("main .button")  # the call buttons and the Yes/No of each answer
    assert buttons.count() >= 2
    for index in range(buttons.count()):
        expect(buttons.nth(index)).to_be_hidden()
    expect(page.locator(".crisis-notice")).to_contain_text("988")
    assert re.search(r"260-3550", page.locator(".site-footer").inner_text())
