"""An expired form token never loses what a patient typed: the form comes back filled in."""

import re

import pytest
from django.conf import settings
from django.test import Client

from consultations.models import ConsultationRequest

from ..typed_form import TYPED, assert_form_holds

pytestmark = pytest.mark.django_db

URL = "/consultation/"


def test_expired_form_comes_back_filled_in():
    """A stale CSRF token: HTTP 403, the form with every value typed, and a plain explanation."""
    client = Client(enforce_csrf_checks=True)
    client.get(URL)  # the form was opened...
    client.cookies[settings.CSRF_COOKIE_NAME] = "expired" + "x" * 25  # ...and its token went stale
    response = client.post(URL, {**TYPED, "csrfmiddlewaretoken": "y" * 32})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form was open too long" in html
    assert "Here it is again with what you typed" in html
    assert_form_holds(html)
    assert "no-store" in response["Cache-Control"]
    assert ConsultationRequest.objects.count() == 0


def test_expired_form_can_then_be_sent():
    """The form that comes back carries a fresh token: sending it again stores the request."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "z" * 32
    response = client.post(URL, {**TYPED, "csrfmiddlewaretoken": "y" * 32})
    fresh_token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)
    again = client.post(URL, {**TYPED, "csrfmiddlewaretoken": fresh_token})
    assert again.status_code == 302
    assert again["Location"].startswith("/consultation/thanks/?by=")
    assert ConsultationRequest.objects.count() == 1


def test_form_posted_without_cookies_comes_back_filled_in():
    """A browser that sent no cookie at all gets the form back too, with nothing lost."""
    response = Client(enforce_csrf_checks=True).post(URL, TYPED)
    assert response.status_code == 403
    assert_form_holds(response.content.decode())
