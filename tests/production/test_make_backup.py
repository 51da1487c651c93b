"""`make backup` and `make restore FILE=...`, the development commands, on SQLite."""

import os
import subprocess

from ..servers import BASE_DIR, manage


def make(*args, env):
    # `-o`: use the environment as installed, without reinstalling it first.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_make_backup_then_restore_into_a_new_database(ops_env, tmp_path):
    source = ops_env(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    manage(source, "migrate", "--noinput")
    backed_up = make("backup", env=source)
    assert backed_up.returncode == 0, backed_up.stderr
    (backup,) = (tmp_path / "backups").glob("clinic-*.sqlite3")

    target = ops_env(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    no_file = make("restore", env=target)
    assert no_file.returncode != 0
    assert "ERROR: name the backup: make restore FILE=" in no_file.stdout
    restored = make("restore", f"FILE={backup}", env=target)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    refused = make("restore", f"FILE={backup}", env=target)
    assert refused.returncode != 0 and "The database is not empty" in refused.stderr
    assert make("restore", f"FILE={backup}", "FORCE=1", env=target).returncode == 0
