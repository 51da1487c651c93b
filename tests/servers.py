"""The site under a real gunicorn on a free loopback port: the one harness shared by the
production tests, the concurrency tests and `make bench`.

Standard library only, so that bench/ can use it outside pytest.
"""

import gzip
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 20


class ServerError(RuntimeError):
    pass


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args, timeout=180):
    """Run a management command with the given environment; fail loudly with its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise ServerError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    # Status line, headers and body as they came over the connection.
    wire_bytes: int

    @property
    def text(self):
        body = self.body
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode()

    @property
    def cookies(self):
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar


@dataclass
class Gunicorn:
    """gunicorn with gunicorn.conf.py on 127.0.0.1, its output captured in files.

    `env` is the whole environment of the server; `host` is the Host header requests carry
    unless told otherwise (it must be in ALLOWED_HOSTS); `extra_args` go to gunicorn after the
    config file, so they override it.
    """

    env: dict
    log_dir: Path
    host: str = "127.0.0.1"
    extra_args: list = field(default_factory=list)
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def command(self):
        return [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *self.extra_args]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_and_error_log(self):
        return "".join(
            (self.log_dir / name).read_text(errors="replace")
            for name in ("gunicorn.stdout", "gunicorn.stderr")
            if (self.log_dir / name).exists()
        )

    def start(self, wait_for_health=True):
        """Start, then wait until /healthz/ answers 200 (or answers at all, without
        `wait_for_health`); stopped again and ServerError raised if it does not in time."""
        self.port = free_port()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (
            open(self.log_dir / "gunicorn.stdout", "ab") as stdout,
            open(self.log_dir / "gunicorn.stderr", "ab") as stderr,
        ):
            self.process = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env={**self.env, "HOST": "127.0.0.1", "PORT": str(self.port)},
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited early:\n{self.access_and_error_log}")
            try:
                reply = self.request("GET", "/healthz/", secure=False)
            except OSError:
                time.sleep(0.2)
                continue
            if reply.status == 200 or not wait_for_health:
                return self
            time.sleep(0.2)
        self.stop()
        raise ServerError(f"gunicorn did not become healthy:\n{self.access_and_error_log}")

    def stop(self):
        """Stop the server and its workers (its whole process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def request(
        self,
        method,
        path,
        *,
        form=None,
        body=None,
        headers=None,
        secure=True,
        host=None,
        cookies=None,
        timeout=20,
    ):
        """One request; `secure` makes it arrive as the TLS-terminating proxy would send it.

        `form` is sent urlencoded, as a browser on the site's own page would; `body` is sent as
        it is. Pass a dict as `cookies` to play one browser: it is sent, and updated from the
        reply.
        """
        host = host or self.host
        all_headers = {"Host": host, "Accept-Encoding": "identity"}
        if secure:
            all_headers["X-Forwarded-Proto"] = "https"
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if form is not None:
            body = urlencode(form, doseq=True)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Origin"] = f"https://{host}"
            all_headers["Referer"] = f"https://{host}{path}"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n\r\n") + sum(
            len(f"{name}: {value}\r\n") for name, value in response.getheaders()
        )
        reply = Reply(response.status, response.headers, data, head + len(data))
        if cookies is not None:
            cookies.update((name, morsel.value) for name, morsel in reply.cookies.items())
        return reply
