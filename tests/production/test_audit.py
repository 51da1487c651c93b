"""`make audit` never says "no known vulnerabilities" about packages it could not check."""

import os
import subprocess

from ..servers import BASE_DIR, free_port

UNCHECKED = (
    "ERROR: make audit could not check the packages against the vulnerability database "
    "(is it reachable from here?); nothing was checked."
)


def make_audit(**env):
    # `-o`: use the environment as installed, without reinstalling it first.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "audit"],
        cwd=BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_unreachable_vulnerability_database_fails_with_one_clear_line():
    closed = f"http://127.0.0.1:{free_port()}"
    result = make_audit(HTTPS_PROXY=closed, https_proxy=closed)
    assert result.returncode != 0
    assert result.stdout.splitlines() == [UNCHECKED]
    assert "No known vulnerabilities" not in result.stdout + result.stderr
