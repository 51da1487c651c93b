"""Database backups and restores: PostgreSQL with pg_dump/pg_restore, SQLite with its backup API.

A backup holds the database only. The encryption keys (FIELD_ENCRYPTION_KEYS) live in the
environment and never in the database, so a backup cannot reveal a patient's note by itself.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from .schedule import run_purges

PREFIX = "clinic-"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in plain words."""


def _database(alias="default"):
    connection = connections[alias]
    if connection.vendor not in SUFFIXES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection


def _postgres_env(connection):
    """libpq's environment variables for the connection, so no password is on a command line."""
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": db.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _run(command, connection):
    result = subprocess.run(  # noqa: S603 (fixed tool names, arguments from settings)
        command, env=_postgres_env(connection), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed:\n{result.stderr.strip()}")


def backup(*, directory=None, keep=None, alias="default"):
    """Write a consistent, timestamped backup to `directory`, keep the newest `keep`; its path."""
    connection = _database(alias)
    directory = Path(directory or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"{PREFIX}{stamp}{SUFFIXES[connection.vendor]}"
    for number in range(2, 100):
        if not target.exists():
            break
        target = directory / f"{PREFIX}{stamp}-{number}{SUFFIXES[connection.vendor]}"
    partial = target.with_name(target.name + ".partial")
    partial.touch(mode=0o600)
    try:
        if connection.vendor == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}"],
                connection,
            )  # fmt: skip
        else:
            with (
                sqlite3.connect(connection.settings_dict["NAME"]) as source,
                sqlite3.connect(partial) as copy,
            ):
                source.backup(copy)
            copy.close()
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    _keep_newest(directory, keep)
    return target


def _keep_newest(directory, keep):
    backups = sorted(
        (path for suffix in SUFFIXES.values() for path in directory.glob(f"{PREFIX}*{suffix}")),
        key=lambda path: (path.stat().st_mtime, path.name),
    )
    for old in backups[: max(len(backups) - keep, 0)]:
        old.unlink()


def is_empty(alias="default"):
    """True when the database holds no tables at all."""
    return not connections[alias].introspection.table_names()


def restore(*, path, force=False, alias="default"):
    """Restore a backup into the database, bring it up to date and run the purges right after.

    Refuses a database that already has tables unless `force`, which replaces what is there.
    """
    connection = _database(alias)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if path.suffix != SUFFIXES[connection.vendor]:
        raise BackupError(
            f"{path.name} is not a {connection.vendor} backup (those end in "
            f"{SUFFIXES[connection.vendor]})."
        )
    if not force and not is_empty(alias):
        raise BackupError(
            "The database is not empty. Restore into a new, empty database, or pass --force "
            "to replace everything in this one."
        )
    if connection.vendor == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                   "--single-transaction"]  # fmt: skip
        if force:
            command += ["--clean", "--if-exists"]
        connection.close()
        _run([*command, f"--dbname={connection.settings_dict['NAME']}", str(path)], connection)
    else:
        connection.close()
        with (
            sqlite3.connect(path) as source,
            sqlite3.connect(connection.settings_dict["NAME"]) as database,
        ):
            source.backup(database)
        database.close()
    # A backup from older code gets the newer tables; then nothing due for removal survives.
    call_command("migrate", "--noinput", verbosity=0, database=alias)
    if not run_purges():
        raise BackupError("The backup was restored, but a purge failed: see the log, run it again.")
