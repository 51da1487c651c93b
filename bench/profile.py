"""Where a page's Django CPU goes: cProfile over many requests through Django's test client.

Runs against the database in DATABASE_URL (seed it first, e.g. `manage.py seed_demo --force`),
with the production settings and DEBUG off, signed in as a throwaway superuser for admin pages.

    .venv/bin/python -m bench.profile form                  # /consultation/ GET
    .venv/bin/python -m bench.profile post                  # a valid submission
    .venv/bin/python -m bench.profile invalid               # an empty submission
    .venv/bin/python -m bench.profile list                  # the admin request list
    .venv/bin/python -m bench.profile change                # a request with 20 calls
    BENCH_PROFILE_REQUESTS=200 BENCH_PROFILE_TOP=15 .venv/bin/python -m bench.profile form

Prints the median Django CPU per request (without the profiler), then the top entries by own
time and by cumulative time.
"""

import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from urllib.parse import urlencode

from cryptography.fernet import Fernet

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "200"))
URLENCODED = "application/x-www-form-urlencoded"
TOP = int(os.environ.get("BENCH_PROFILE_TOP", "12"))
VALID_FORM = {
    "name": "Profile Visitor",
    "phone": "(651) 555-0142",
    "best_times": "morning",
    "voicemail_ok": "yes",
    "consent": "on",
}


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "off")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("STATIC_MANIFEST", "off")
    os.environ.setdefault("BENCH_STATIC_ROOT", "/nonexistent")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    os.environ.setdefault("CONSULTATION_RATE_LIMIT_PER_HOUR", "1000000")
    import django

    django.setup()


def requester(page):
    """A function that sends one request of the page and checks its answer."""
    from django.conf import settings
    from django.test import Client

    from bench.in_process import staff_session

    client = Client(HTTP_HOST="127.0.0.1")
    admin = f"/{settings.ADMIN_URL}consultations/consultationrequest/"
    if page in ("list", "change"):
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(username="bench-admin").delete()
        name, key = staff_session()
        client.cookies[name] = key
    counter = iter(range(10**9))

    def check(response, status):
        if response.status_code != status:
            raise SystemExit(f"{page}: answered {response.status_code}, expected {status}")

    if page == "form":
        return lambda: check(client.get("/consultation/", secure=True), 200)
    if page in ("post", "invalid"):
        client.get("/consultation/", secure=True)

        def post():
            number = next(counter)
            data = {**VALID_FORM, "name": f"Profile Visitor {'abcdefghij'[number % 10]}"}
            data["email"] = f"visitor.{number}.{secrets.randbelow(10**9)}@example.com"
            if page == "invalid":
                data = {"name": "", "phone": ""}
            # As a browser sends the form (and as make bench does): URL-encoded, not multipart.
            body = urlencode(data)
            check(
                client.post("/consultation/", body, content_type=URLENCODED, secure=True),
                302 if page == "post" else 200,
            )

        return post
    if page == "list":
        return lambda: check(client.get(admin, secure=True), 200)
    if page == "change":
        from bench.targets import request_with_calls

        consultation = request_with_calls()
        return lambda: check(client.get(f"{admin}{consultation.pk}/change/", secure=True), 200)
    raise SystemExit(f"unknown page {page!r}: form, post, invalid, list or change")


def main():
    page = sys.argv[1] if len(sys.argv) > 1 else "form"
    setup()
    send = requester(page)
    for _ in range(10):
        send()
    samples = []
    for _ in range(REQUESTS):
        started = time.process_time()
        send()
        samples.append((time.process_time() - started) * 1000)
    print(f"{page}: median Django CPU {statistics.median(samples):.3f} ms over {REQUESTS}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REQUESTS):
        send()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(TOP)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
