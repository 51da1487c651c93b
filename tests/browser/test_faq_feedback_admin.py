"""A content editor reads what readers said and drafts a question from it, in a real browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from faq.models import Feedback, MissedSearch, Question, Vote

from .support import assert_accessible

pytestmark = pytest.mark.browser


def test_editor_reviews_votes_notes_and_failed_searches(open_page, make_staff, log_in, faq_content):
    today = timezone.localdate()
    safe = faq_content["safe"]
    Vote.objects.create(question=safe, day=today, helpful=False, count=3)
    Vote.objects.create(question=safe, day=today, helpful=True, count=1)
    Feedback.objects.create(question=safe, text="Can I drive home afterwards", day=today)
    MissedSearch.objects.create(text="parking", day=today - timedelta(days=2), count=4)
    editor = make_staff("casey", "Content editors", "Casey")
    page = open_page()
    log_in(page, editor)

    # The home's tile counts it and opens the list, least helpful first.
    page.get_by_role("link", name=re.compile("^1 Least helpful answers")).click()
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text("Is it safe?")
    expect(first_row).to_contain_text("25%")
    assert_accessible(page)

    page.goto("/admin/faq/feedback/")
    expect(page.locator("#result_list")).to_contain_text("Can I drive home afterwards")
    assert_accessible(page)

    page.goto("/admin/faq/missedsearch/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What patients looked for and didn't find"
    )
    expect(page.locator("#result_list")).to_contain_text("parking")
    assert_accessible(page)

    page.get_by_role("link", name="Draft a question").click()
    expect(page.locator(".messagelist")).to_contain_text("Remove anything personal")
    expect(page.get_by_label("Question (English):")).to_have_value("parking")
    assert_accessible(page)
    assert not Question.objects.filter(question="parking").exists()
