"""A throwaway PostgreSQL server on a free loopback port, for tests that stop and start it.

The shared server that the rest of the suite uses is never touched.
"""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..servers import free_port


def postgres_bin_dir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError(
            "PostgreSQL's initdb and pg_ctl are needed (apt-get install postgresql)."
        )
    return Path(initdb).parent


class PrivatePostgres:
    def __init__(self):
        self.bin_dir = postgres_bin_dir()
        self.port = free_port()
        # Not under pytest's temporary folder: the server runs as the postgres user when the
        # tests run as root (initdb refuses root), and that user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, user="postgres", group="postgres")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command):
        tool = [str(self.bin_dir / command[0]), *command[1:]]
        if self.as_root:
            tool = ["runuser", "-u", "postgres", "--", *tool]
        result = subprocess.run(
            tool, cwd=self.root, capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{command[0]} failed:\n{result.stdout}{result.stderr}{log}")

    def init(self):
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "30", "start")  # fmt: skip

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def destroy(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
