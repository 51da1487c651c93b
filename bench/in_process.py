"""Measurements made with Django in this process: queries per page and Django's CPU time."""

import secrets
import statistics
import time

from .config import COMMON_HEADERS, BenchError


def seed(sizes):
    from django.core.management import call_command

    call_command("seed_demo", questions=sizes["questions"], requests=sizes["requests"], force=True)


def staff_session():
    """A superuser and a session for them that has passed both sign-in steps:
    (cookie name, session key)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.create_superuser(
        "bench-admin", "bench-admin@example.com", secrets.token_urlsafe(24)
    )
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return settings.SESSION_COOKIE_NAME, session.session_key


def stored_requests():
    from consultations.models import ConsultationRequest

    return ConsultationRequest.objects.count()


def vary_body(body, number):
    """The form body with BENCHN replaced by the number and BENCHL by it in letters."""
    letters = "".join(chr(97 + int(digit)) for digit in str(number))
    return body.replace("BENCHN", str(number)).replace("BENCHL", letters)


def test_client(page, cookie):
    from django.test import Client

    client = Client(
        HTTP_HOST="127.0.0.1", headers={"accept-encoding": COMMON_HEADERS["Accept-Encoding"]}
    )
    if page.get("admin"):
        client.cookies[cookie[0]] = cookie[1]
    return client


def send(client, page, post_body):
    """One request of the page; a POST sends the page's own "body" if it has one, else post_body."""
    post_body = page.get("body", post_body)
    # secure=True on each request: behind the production proxy, requests arrive as HTTPS.
    if page["method"] == "POST":
        body = vary_body(post_body, secrets.randbelow(10**9))
        response = client.post(
            page["path"], body, content_type="application/x-www-form-urlencoded", secure=True
        )
    else:
        response = client.get(page["path"], secure=True)
    expected = page.get("status", 302 if page["method"] == "POST" else 200)
    if response.status_code != expected:
        raise BenchError(f"{page['path']} answered {response.status_code} to the test client")
    return response


def count_queries(pages, cookie, post_body=None, cold=False):
    """Database queries per request for each page, from Django's test client (second request).

    With cold=True the cache is emptied first: the queries of a page rendered afresh.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from faq.views import forget_shared_pages

    counts = {}
    for page in pages:
        client = test_client(page, cookie)
        send(client, page, post_body)
        if cold:
            cache.clear()
            forget_shared_pages()
        with CaptureQueriesContext(connection) as queries:
            send(client, page, post_body)
        counts[page["key"]] = len(queries)
    return counts


def django_cpu_ms(pages, cookie, post_body=None, repeat=60, cold=False):
    """CPU time Django spends per request in this process (median), database server excluded.

    Unlike requests/s, CPU time moves little when other programs compete for the cores, and the
    pages take turns (ten requests each) so that whatever does disturb it disturbs them alike.
    With cold=True the cache is emptied before each request: the cost of a page nobody asked
    for yet.
    """
    from django.core.cache import cache

    from faq.views import forget_shared_pages

    clients = {page["key"]: test_client(page, cookie) for page in pages}
    samples = {page["key"]: [] for page in pages}
    for page in pages:
        send(clients[page["key"]], page, post_body)
    block = 10  # requests in a row to one page, so that each finds its code and data warm
    for _ in range(max(repeat // block, 1)):
        for page in pages:
            for _ in range(block):
                if cold:
                    cache.clear()
                    forget_shared_pages()
                started = time.process_time()
                send(clients[page["key"]], page, post_body)
                samples[page["key"]].append((time.process_time() - started) * 1000)
    return {key: statistics.median(values) for key, values in samples.items()}
