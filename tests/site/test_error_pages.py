"""Branded error pages: each says what happened and gives the clinic's phone number."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

PHONE_LINK = 'href="tel:+19522603550"'


def assert_branded(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert PHONE_LINK in html
    assert "(952) 260-3550" in html
    assert 'href="tel:988"' in html
    return html


def test_404_page(client):
    """An unknown address answers 404 with a way back and the phone number."""
    assert_branded(client.get("/no-such-page/"), 404, "We couldn't find that page")


def test_400_page_for_an_unknown_host(client):
    """A request for a host the site does not serve answers a branded 400."""
    assert_branded(client.get("/", HTTP_HOST="evil.example"), 400, "We could not read that request")


def test_400_page_for_too_many_fields():
    """A form post with an absurd number of fields is refused with the 400 page, not a 500."""
    fields = {f"field{number}": "x" for number in range(1100)}
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    # The CSRF check reads the form first, which trips Django's field limit.
    response = client.post("/faq/", fields)
    assert_branded(response, 400, "We could not read that request")


@pytest.mark.urls("tests.site.error_urls")
def test_403_page(client):
    """A refused page answers 403 in the site's own layout."""
    assert_branded(client.get("/refuse/"), 403, "You can't open this page")


@pytest.mark.urls("tests.site.error_urls")
def test_500_page_uses_the_clinic_settings(settings):
    """The 500 page shows the phone number from settings.CLINIC, not a hard-coded one."""
    settings.CLINIC = {
        **settings.CLINIC,
        "phone": "+16515550100",
        "phone_display": "(651) 555-0100",
    }
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="tel:+16515550100"' in html and "(651) 555-0100" in html
    assert "an unexpected failure" not in html


def test_csrf_failure_outside_a_form_explains(client):
    """A post with no valid form token to a page without a form gets the 'open too long' page."""
    response = Client(enforce_csrf_checks=True).post("/faq/", {"q": "ketamine"})
    html = assert_branded(response, 403, "This page was open too long")
    assert "cookies" in html


def test_lockout_page_is_branded(client, django_user_model):
    """The 429 page staff see when sign-in is paused carries the site's layout."""
    django_user_model.objects.create_user("intake", password="a long enough password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            f"/{settings.ADMIN_URL}login/", {"username": "intake", "password": "wrong"}
        )
    assert_branded(response, 429, "Sign-in paused")


def test_503_template(rf):
    """The 503 page for a database outage gives the phone number."""
    from django.shortcuts import render

    response = render(rf.get("/"), "503.html", status=503)
    assert_branded(response, 503, "We are briefly unavailable")
