"""The backup and restore drill, on PostgreSQL (a private server) and SQLite, as operators run it:
`manage.py backup`, then `manage.py restore` into an empty database."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ..servers import BASE_DIR, manage

pytestmark = pytest.mark.parametrize("database_factory", ["postgresql", "sqlite"], indirect=True)


def backup(env):
    output = manage(env, "backup").stdout
    return Path(re.search(r"Backup written: (\S+)", output).group(1))


def restore(env, path, *options):
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(path), *options],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def readable_content(path):
    """The backup's content; a compressed PostgreSQL dump as the SQL it restores."""
    if path.suffix != ".dump":
        return path.read_bytes()
    return subprocess.run(
        ["pg_restore", "--file=-", str(path)], capture_output=True, check=True, timeout=60
    ).stdout


@pytest.fixture
def backed_up(database_factory, ops_env, marks, seed, snapshot):
    """A migrated database with made-up patients, its snapshot, and a backup of it."""
    env = ops_env(database_factory("source"))
    manage(env, "migrate", "--noinput")
    seed(env, marks)
    return env, snapshot(env), backup(env)


def test_restore_brings_back_every_row_and_purges_what_is_due(
    backed_up, database_factory, ops_env, marks, snapshot
):
    env, before, path = backed_up
    restored_env = ops_env(
        database_factory("restored"), FIELD_ENCRYPTION_KEYS=env["FIELD_ENCRYPTION_KEYS"]
    )
    result = restore(restored_env, path)
    assert result.returncode == 0, result.stderr
    after = snapshot(restored_env)

    # The request closed 800 days ago was due for removal: the restore purged it at once.
    due = before["requests"][-1]
    assert due["note"] == f"note {marks[-1]}" and not due["purged"]
    expected_requests = [
        *before["requests"][:-1],
        {**due, "name": "", "email": "", "note": "", "purged": True},
    ]
    assert after["requests"] == expected_requests
    # Every other note still decrypts with the keys; the purged request's call note is gone.
    assert after["calls"] == [*before["calls"][:-1], [due["pk"], ""]]
    # Every row is back; the purge added one audit entry.
    expected_counts = {**before["counts"]}
    expected_counts["consultations.AuditEntry"] += 1
    assert after["counts"] == expected_counts
    assert sum(after["counts"].values()) > len(marks) * 2


def test_backup_holds_neither_the_keys_nor_a_readable_note(backed_up, marks):
    env, _, path = backed_up
    content = readable_content(path)
    assert path.stat().st_mode & 0o077 == 0
    for key in env["FIELD_ENCRYPTION_KEYS"].split(","):
        assert key.encode() not in content
    for mark in marks:
        assert f"note {mark}".encode() not in content
        assert f"call {mark}".encode() not in content
    # The names are there (the database is not encrypted as a whole): this is the control that
    # shows the search above looks at real content.
    assert f"Patient {marks[0]}".encode() in content


def test_restored_without_the_keys_no_note_can_be_read(backed_up, database_factory, ops_env, marks):
    _, _, path = backed_up
    other_keys = ops_env(
        database_factory("nokeys"), FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode()
    )
    result = restore(other_keys, path)
    assert result.returncode == 0, result.stderr
    reading = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from consultations.models import ConsultationRequest as R\n"
         "print([r.note for r in R.objects.all()])"],
        cwd=BASE_DIR, env=other_keys, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert reading.returncode != 0
    assert "InvalidToken" in reading.stderr
    for mark in marks:
        assert f"note {mark}" not in reading.stdout + reading.stderr


def test_restore_refuses_a_database_that_is_not_empty(backed_up, snapshot):
    env, before, path = backed_up
    refused = restore(env, path)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert snapshot(env) == before

    replaced = restore(env, path, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert snapshot(env)["counts"]["consultations.ConsultationRequest"] == len(before["requests"])


def test_only_the_newest_backups_are_kept(backed_up):
    env, _, first = backed_up
    directory = first.parent
    (directory / "clinic-20200101T000000Z.dump").write_bytes(b"old")
    (directory / "clinic-20200102T000000Z.sqlite3").write_bytes(b"old")
    (directory / "notes.txt").write_text("not a backup")
    manage(env, "backup", "--keep", "1")
    kept = sorted(p.name for p in directory.iterdir())
    assert len(kept) == 2 and "notes.txt" in kept
    assert first.name not in kept
