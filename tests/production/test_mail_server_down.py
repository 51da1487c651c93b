"""Mail server down, through the real server: the request is kept, the patient does not wait,
and the staff email goes out once the mail server is back."""

import sqlite3
import subprocess
import sys
import time

from aiosmtpd.controller import Controller

from ..servers import BASE_DIR, free_port
from ..typed_form import PERSONAL_FRAGMENTS, TYPED
from .support import csrf_token_in

NAME = "Mail-Outage Testperson"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 Message accepted"


def run(site, *args, email_port):
    """A management command as a one-off process beside the site, with its mail server."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**site.env, "EMAIL_URL": f"smtp://127.0.0.1:{email_port}", "EMAIL_TIMEOUT": "5"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def notified_at(site):
    database = site.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT id, notified_at FROM consultations_consultationrequest WHERE name = ?", [NAME]
        ).fetchone()
    return row


def test_request_is_kept_and_staff_told_once_mail_is_back(production_site):
    site = production_site
    patient = {}
    token = csrf_token_in(site.request("GET", "/consultation/", cookies=patient).text)
    form = {**TYPED, "name": NAME, "phone": "(651) 555-0177", "csrfmiddlewaretoken": token}
    started = time.monotonic()
    reply = site.request("POST", "/consultation/", form=form, cookies=patient)
    assert reply.status == 302
    assert reply.headers["Location"].startswith("/consultation/thanks/?by=")
    # The request only queues the email: the patient never waits on the mail server.
    assert time.monotonic() - started < 3

    closed_port = free_port()
    failed = run(site, "db_worker", "--batch", "--no-startup-delay", email_port=closed_port)
    assert "state=FAILED" in failed.stdout + failed.stderr
    number, sent_at = notified_at(site)
    assert sent_at is None

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        queued = run(site, "send_pending_notifications", "--older-than", "0", email_port=0)
        assert queued.returncode == 0, queued.stderr
        worker = run(site, "db_worker", "--batch", "--no-startup-delay", email_port=controller.port)
        assert worker.returncode == 0, worker.stderr
    finally:
        controller.stop()

    assert notified_at(site)[1] is not None
    ours = [message for message in inbox.messages if f"#{number}" in message]
    assert len(ours) == 1
    for message in inbox.messages:
        for fragment in [*PERSONAL_FRAGMENTS, "Testperson", "555-0177"]:
            assert fragment not in message
