"""No input to the staff sign-in or the health check produces a server error."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = f"/{settings.ADMIN_URL}login/"

UGLY = [
    "nul\x00byte",
    "x" * 100_000,
    "' OR 1=1 --",
    "\u202eevil",
    "",
]


@pytest.mark.parametrize("value", UGLY)
@pytest.mark.parametrize("field", ["username", "password", "otp_token", "otp_device", "next"])
def test_sign_in_survives_ugly_input(field, value, django_user_model):
    """Whatever arrives in any login field, the answer is the form again, never a 500 and never
    a way in."""
    django_user_model.objects.create_superuser("intake", password="a long enough password")
    form = {"username": "intake", "password": "wrong password", "otp_token": "123456"}
    form[field] = value
    client = Client(raise_request_exception=False)
    response = client.post(LOGIN, form)
    assert response.status_code == 200, response.status_code
    assert 'name="otp_token"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_in_survives_invalid_utf8(django_user_model):
    """Bytes that are not UTF-8 in the login form get the form back."""
    response = Client(raise_request_exception=False).post(
        LOGIN,
        data=b"username=%ff%fe%00&password=%c3%28&otp_token=%ed%a0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_health_check_only_answers_reads(client, method):
    """/healthz/ answers GET and HEAD; anything else is 405."""
    assert getattr(client, method)("/healthz/").status_code == 405
    assert client.head("/healthz/").status_code == 200


def test_health_check_body_and_caching(client):
    """The health check says what it checked and is never cached."""
    response = client.get("/healthz/")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
