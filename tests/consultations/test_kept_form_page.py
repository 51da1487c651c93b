"""The patient's form page kept once rendered (consultations.kept_pages) and the free call times
kept for a few seconds (consultations.slots.RecentSlotBook): what they must never share or hide."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.utils.csp import LazyNonce

from consultations.kept_pages import CSP_NONCE_PLACEHOLDER, kept_pages, render_kept
from consultations.models import BlockedTime, ClosureDay, ConsultationRequest
from consultations.slots import SHOWN_FREE_TIMES_SECONDS
from consultations.views import ConsultationRequestView

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_settings")]

URL = "/consultation/"
CHICAGO = ZoneInfo("America/Chicago")
# Monday 30 November 2026, 8 am clinic time: bookable from 11:00 today.
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=CHICAGO)
ELEVEN = datetime(2026, 11, 30, 11, 0, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def page(client, path=URL):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def offers(html, slot):
    return f'value="{slot.isoformat()}"' in html


def test_the_kept_page_carries_no_visitors_token():
    """What is kept holds a placeholder; every copy has its own visitor's token in it."""
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    tokens = [csrf_token(page(visitor)) for visitor in visitors]
    assert len(kept_pages) == 1
    (kept,) = kept_pages._pages.values()
    assert not any(token in kept for token in tokens)
    assert len(set(tokens)) == 3
    for visitor, token in zip(visitors, tokens, strict=True):
        assert visitor.cookies[settings.CSRF_COOKIE_NAME].value
        assert token not in page(Client())


def test_a_kept_page_and_a_rendered_one_are_the_same_but_for_the_token(client, monkeypatch):
    kept = client.get(URL)
    monkeypatch.setattr(ConsultationRequestView, "kept_page_key", lambda *args: None)
    rendered = Client().get(URL)
    assert rendered.templates and not kept_pages.get(None)
    first, second = kept, rendered
    assert sorted(first.headers) == sorted(second.headers)
    for header in ("Cache-Control", "Content-Type", "Content-Security-Policy", "Vary"):
        assert first.get(header) == second.get(header)
    assert without_token(first.content.decode()) == without_token(second.content.decode())


def test_a_nonce_in_a_kept_page_is_each_visitors_own():
    key = ("a page with a nonce",)
    kept_pages.keep(key, f'<script nonce="{CSP_NONCE_PLACEHOLDER}"></script>')
    requests = [RequestFactory().get(URL) for _ in range(2)]
    pages = []
    for request in requests:
        request._csp_nonce = LazyNonce()
        pages.append(render_kept(key, "consultations/request.html", dict, request))
    for request, html in zip(requests, pages, strict=True):
        assert html == f'<script nonce="{request._csp_nonce}"></script>'
    assert pages[0] != pages[1]


def test_a_booking_made_here_is_shown_at_once(client, make_consultation):
    assert offers(page(client), ELEVEN)
    make_consultation(call_at=ELEVEN)
    assert not offers(page(client), ELEVEN)


def test_a_closure_day_or_blocked_time_added_here_is_shown_at_once(client):
    assert "Free times on Monday, November 30" in page(client)
    BlockedTime.objects.create(starts_at=ELEVEN, ends_at=ELEVEN + timedelta(minutes=30))
    html = page(client)
    assert not offers(html, ELEVEN)
    assert offers(html, ELEVEN + timedelta(minutes=30))
    ClosureDay.objects.create(date=date(2026, 11, 30), reason="Staff training")
    assert "Free times on Tuesday, December 1" in page(client)


def test_a_booking_made_elsewhere_is_shown_within_the_bound(client, clock, make_consultation):
    """Another process's booking sends no signal here: it shows once the kept times expire."""
    booking = make_consultation()
    assert offers(page(client), ELEVEN)
    ConsultationRequest.objects.filter(pk=booking.pk).update(call_at=ELEVEN)
    clock.shift(timedelta(seconds=SHOWN_FREE_TIMES_SECONDS - 1))
    assert offers(page(client), ELEVEN)
    clock.shift(timedelta(seconds=1))
    assert not offers(page(client), ELEVEN)


def without_token(html):
    return html.replace(csrf_token(html), "")


def test_spanish_and_english_pages_are_kept_apart(client):
    english = page(client)
    spanish = page(client, "/es/consultation/")
    assert '<html lang="en">' in english and '<html lang="es">' in spanish
    assert "Ask us to call you" in page(client) and "Ask us to call you" not in spanish
    assert without_token(page(client, "/es/consultation/")) == without_token(spanish)
    assert len(kept_pages) == 2


def test_a_form_sent_with_anything_typed_is_never_kept(client):
    kept_before = len(kept_pages)
    response = client.post(URL, {"name": "Jordan Secret", "phone": ""})
    assert "Jordan Secret" in response.content.decode()
    response = client.post(URL, {"name": "", "phone": "", "call_at": ELEVEN.isoformat()})
    assert response.status_code == 200
    assert len(kept_pages) == kept_before
    assert "Jordan Secret" not in page(Client())
    assert "Jordan Secret" not in Client().post(URL, {"name": "", "phone": ""}).content.decode()


def test_a_form_sent_empty_is_kept_with_its_errors(client):
    first = client.post(URL, {"name": "", "phone": ""}).content.decode()
    second = Client().post(URL, {"name": "", "phone": ""}).content.decode()
    assert "Please check" in first
    assert without_token(first) == without_token(second)
    assert csrf_token(first) != csrf_token(second)
    assert len(kept_pages) == 1
    Client().post(URL, {"name": "", "phone": "", "consent": ""})  # other fields: another key
    assert len(kept_pages) == 2


def test_a_page_with_a_message_for_the_visitor_is_rendered_for_them(client, rf):
    page(client)
    storage = CookieStorage(rf.get(URL))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Only for you")])
    assert "Only for you" in page(client)
    assert "Only for you" not in page(Client())
    assert len(kept_pages) == 1


def test_unknown_fields_sent_empty_are_not_kept(client):
    client.post(URL, {"name": "", "phone": "", "anything": ""})
    assert len(kept_pages) == 0


def test_nothing_is_kept_while_developing(client, settings):
    settings.DEBUG = True
    page(client)
    client.post(URL, {"name": "", "phone": ""})
    assert len(kept_pages) == 0
