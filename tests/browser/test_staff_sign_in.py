"""Staff sign-in pages in a real browser: setting up the authenticator app in the enrolment
window, backup codes, an administrator's new codes; axe, keyboard alone, and without JavaScript."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from clinic import services

from . import support
from .support import STAFF_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def assert_accessible_22(page):
    """The new pages are checked against WCAG 2.2 AA as well."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(support, "AXE_TAGS", [*support.AXE_TAGS, "wcag22aa"])
        assert_accessible(page)


def code_from_page_key(page):
    key = page.locator(".enrol-key").inner_text().replace(" ", "")
    return f"{totp(b32decode(key)):06d}"


@pytest.mark.parametrize("javascript", [True, False], ids=["keyboard", "no-javascript"])
def test_new_staff_member_sets_up_the_app_and_keeps_backup_codes(
    open_page, transactional_db, javascript
):
    newcomer = User.objects.create_user("newcomer", password=STAFF_PASSWORD, is_staff=True)
    services.open_enrolment(user=newcomer)
    page = open_page(java_script_enabled=javascript)

    def check(page):
        # axe runs in the page, so only with JavaScript on; the other run checks the same HTML.
        if javascript:
            assert_accessible_22(page)

    page.goto(reverse("admin:index"))
    expect(page).to_have_url(re.compile(r"/login/"))
    # Keyboard alone: Tab through the form, type, Enter.
    page.get_by_label("Username").focus()
    page.keyboard.type("newcomer")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/enrol/$"))
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check(page)

    field = page.get_by_label("The 6-digit code your app shows now")
    field.focus()
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    expect(page.get_by_text("That code did not match.")).to_be_visible()
    check(page)
    # A person takes a few seconds to read the next code; the app's throttle after a wrong code
    # (covered in tests/production/test_staff_enrolment.py) is lifted here instead of waiting,
    # once the page's own requests are over (each renews the session: SQLite's table lock).
    page.wait_for_load_state("networkidle")
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)

    page.get_by_label("The 6-digit code your app shows now").fill("")
    page.get_by_label("The 6-digit code your app shows now").focus()
    page.keyboard.type(code_from_page_key(page))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    check(page)

    page.get_by_role("link", name="I have kept them: continue").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    page.get_by_role("link", name="Backup codes").click()
    expect(page.get_by_text("You have 10 unused backup codes.")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.get_by_role("heading", name="Your new backup codes")).to_be_visible()
    check(page)


def test_administrator_resets_a_sign_in_and_makes_codes_to_hand_over(
    open_page, transactional_db, log_in
):
    administrator = User.objects.create_superuser(
        "lead", password=STAFF_PASSWORD, email="lead@clinic.test"
    )
    member = User.objects.create_user("member", password=STAFF_PASSWORD, is_staff=True)
    page = open_page()
    log_in(page, administrator)
    page.goto(reverse("admin:auth_user_changelist"))
    assert_accessible(page)

    page.get_by_role("row", name=re.compile("member")).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("reset_sign_in")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("member can sign in with their password")
    assert_accessible(page)

    page.get_by_role("row", name=re.compile("member")).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("make_backup_codes")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("heading", name="New backup codes")).to_be_visible()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert services.backup_codes_left(user=member) == 10
    assert_accessible_22(page)
