import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_configured_database():
    """The PostgreSQL run in CI really talks to PostgreSQL, never silently to SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"
    assert connection.vendor == expected
