"""A scheduled question appears and leaves on time on two app servers sharing one database,
with no save in between: each server works it out from the clock and the database alone."""

import time
from datetime import UTC, datetime

import psycopg2
import pytest
from django.db import connection

from ..production.support import PUBLIC_HOST, production_env
from ..servers import Gunicorn, manage

pytestmark = pytest.mark.django_db

SLUG = "holiday-hours"
# The site may show a boundary up to a minute late (and never early).
ALLOWED_DELAY_SECONDS = 60
POLL_SECONDS = 0.5


@pytest.fixture
def shared_database_url(tmp_path):
    """A database of its own for the two servers: SQLite, or PostgreSQL when the suite uses it."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_servers"
    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.close()


@pytest.fixture
def two_servers(tmp_path, shared_database_url):
    env = production_env(tmp_path, shared_database_url, STATIC_MANIFEST="off", WEB_CONCURRENCY="1")
    manage(env, "migrate", "--noinput")
    servers = [Gunicorn(env, tmp_path / f"logs-{number}", host=PUBLIC_HOST) for number in (1, 2)]
    try:
        for server in servers:
            server.start()
        yield env, servers
    finally:
        for server in servers:
            server.stop()


def on_question_page(server):
    page = server.request("GET", f"/faq/{SLUG}/")
    assert page.status in (200, 404), page.status
    return page.status == 200


def on_list(server):
    page = server.request("GET", "/faq/")
    assert page.status == 200
    return "Open on the holiday?" in page.text


def shows_question(server):
    return on_question_page(server) or on_list(server)


def watch_until(servers, visible, boundary):
    """Poll the question page and the list on both servers until each shows `visible`:
    never before `boundary`, and at most ALLOWED_DELAY_SECONDS after it."""
    waiting = {
        (index, view) for index in range(len(servers)) for view in (on_question_page, on_list)
    }
    deadline = boundary + ALLOWED_DELAY_SECONDS
    while waiting:
        assert time.time() < deadline, f"{len(waiting)} page(s) missed the boundary"
        for index, view in list(waiting):
            asked_at = time.time()
            if view(servers[index]) == visible:
                # A request sent just before the boundary may be answered just after it.
                assert asked_at >= boundary - 1, "changed before its time"
                waiting.discard((index, view))
        time.sleep(POLL_SECONDS)


def test_a_scheduled_question_appears_and_leaves_on_time_on_both_servers(two_servers):
    env, servers = two_servers
    shows_at = time.time() + 15
    hides_at = shows_at + 10
    iso = lambda moment: datetime.fromtimestamp(moment, tz=UTC).isoformat()  # noqa: E731
    manage(
        env,
        "shell",
        "-c",
        "from datetime import datetime\n"
        "from faq.models import Category, Question\n"
        "category = Category.objects.get(slug='what-to-expect')\n"
        f"Question.objects.create(category=category, slug='{SLUG}', "
        "question='Open on the holiday?', answer='Closed on the holiday.', "
        f"publish_at=datetime.fromisoformat('{iso(shows_at)}'), "
        f"unpublish_at=datetime.fromisoformat('{iso(hides_at)}'))\n",
    )
    for server in servers:
        assert not shows_question(server)
    assert time.time() < shows_at, "the set-up took longer than the schedule allows"

    watch_until(servers, visible=True, boundary=shows_at)
    watch_until(servers, visible=False, boundary=hides_at)
