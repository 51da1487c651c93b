"""Real-browser harness: Debian's Chromium driven by pytest-playwright against Django's live server.

Every browser test fails when the browser reports a problem a patient would meet: a console error,
an uncaught exception, a failed request, an HTTP error or a Content Security Policy violation.
"""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse
from playwright.sync_api import expect

from clinic.roles import apply_staff_roles, last_migrated_app
from faq.models import Category, Question

from .support import CHROMIUM, DESKTOP, STAFF_PASSWORD, PageProblems, fill_login_form

# Bounded waits: a step that has not happened in this time has failed.
ACTION_TIMEOUT_MS = 10_000
EXPECT_TIMEOUT_MS = 5_000
TEST_TIMEOUT_S = 120

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after all others, each under a time limit.

    While Playwright's sync API runs, Django's async-safety check has to be relaxed (see the
    ``playwright`` fixture); running the browser tests last keeps it fully on for the rest.
    """
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright, with Django's async-safety check relaxed for as long as it runs.

    Between calls, Playwright's sync API leaves its event loop marked as running on the main
    thread. Django then takes the tests' ordinary synchronous ORM calls (and pytest-django's
    database set-up and flush) for calls from async code and refuses them. Nothing here is async:
    the check is relaxed only while Playwright is up, which is only during the browser tests.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, kept from trying to reach hosts outside this machine."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are addressed relative to the live server: page.goto("/faq/")."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-US",
        "timezone_id": settings.TIME_ZONE,
    }


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def open_context(new_context, page_problems):
    """Open a browser context watched for problems. Keyword arguments go to the context:
    viewport, java_script_enabled, ..."""

    def open_(**context_args):
        context = new_context(**{"viewport": DESKTOP, **context_args})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        page_problems.watch(context, javascript=context_args.get("java_script_enabled", True))
        return context

    return open_


@pytest.fixture
def open_page(open_context):
    """Open a page in a new context watched for problems (see open_context)."""
    return lambda **context_args: open_context(**context_args).new_page()


@pytest.fixture
def context(open_context):
    """pytest-playwright's context, at desktop size and watched for problems."""
    return open_context()


@pytest.fixture
def page(context):
    """pytest-playwright's page, at desktop size and watched for problems."""
    return context.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test that left problems in the page, even when its own assertions passed."""
    problems = item.funcargs.get("page_problems")
    try:
        result = yield
    except BaseException as exc:
        if problems is not None and problems.found:
            exc.add_note("The browser also reported:\n" + "\n".join(problems.found))
        raise
    if problems is not None:
        problems.settle()
        assert not problems.found, "The browser reported problems:\n" + "\n".join(problems.found)
    return result


@pytest.fixture
def faq_content(transactional_db):
    """A small, realistic set of published questions (and one draft that must never show), in
    place of the starter content."""
    Question.objects.all().delete()
    Category.objects.all().delete()
    about = Category.objects.create(name="About the treatment", slug="about", position=1)
    safety = Category.objects.create(name="Medication and safety", slug="safety", position=2)
    questions = {
        "what": Question.objects.create(
            category=about,
            position=1,
            slug="what-is-it",
            question="What is medication-assisted psychotherapy?",
            answer="Talk therapy in which a carefully chosen medication is part of some sessions.",
        ),
        "given": Question.objects.create(
            category=safety,
            position=1,
            slug="how-is-it-given",
            question="How is the ketamine given?",
            answer="There are a few ways, chosen with you:\n\n- a **lozenge** under the tongue;\n"
            "- an injection into a muscle.",
        ),
        "safe": Question.objects.create(
            category=safety,
            position=2,
            slug="is-it-safe",
            question="Is it safe?",
            answer="The dose is low, prescribed for you, and you are supported throughout.",
        ),
        "draft": Question.objects.create(
            category=safety,
            position=3,
            slug="draft-question",
            question="A draft about lozenge flavours",
            answer="Not ready yet.",
            is_published=False,
        ),
    }
    return questions


@pytest.fixture
def staff_roles(transactional_db):
    """The staff groups exactly as `migrate` makes them. (The live server's database is emptied
    after each browser test, which removes the groups.)"""
    apply_staff_roles(last_migrated_app())


@pytest.fixture
def make_staff(staff_roles):
    """Create a staff member in one of the staff roles, who can sign in with log_in()."""

    def make(username, group, first_name):
        user = User.objects.create_user(
            username, password=STAFF_PASSWORD, is_staff=True, first_name=first_name
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def log_in(authenticator_code):
    """``log_in(page, user)``: sign in through the admin's login page with the password and the
    code the user's authenticator app shows now (the user gets an app if they have none)."""

    def log_in_(page, user):
        code = authenticator_code(user)
        page.goto(reverse("admin:index"))
        expect(page).to_have_url(re.compile(r"/login/"))
        fill_login_form(page, user, code)
        expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()

    return log_in_
