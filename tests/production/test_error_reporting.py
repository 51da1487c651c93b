"""Error reports (SENTRY_DSN) reach the service without anything that identifies a person.

A real HTTP server on loopback plays the error-reporting service and keeps every envelope the
site sends; the site reports a real failure of a request full of personal data.
"""

import gzip
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from clinic.error_reporting import start_error_reporting
from clinic.urls import handler500  # noqa: F401
from clinic.urls import urlpatterns as site_urlpatterns

SECRETS = {
    "body": "bodymark-Zq7x Jordan typed this about her depression",
    "query": "querymark-Wv3k",
    "cookie": "cookiemark-Pp9d",
    "address": "203.0.113.77",
    "local": "localmark-Hh2s",
}


@csrf_exempt
def crash_with_data(request):
    local = request.POST["local"]  # noqa: F841 (a local variable the report must not carry)
    raise RuntimeError("the view failed")


urlpatterns = [path("crash-with-data/", crash_with_data), *site_urlpatterns]


class EnvelopeReceiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def reporting_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EnvelopeReceiver)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        sentry_sdk.get_client().close(timeout=5)
        sentry_sdk.init()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def crash_with_personal_data(settings):
    """A request full of personal data, sent through the WSGI application gunicorn serves, to a
    view that fails with a local variable holding some of it."""
    settings.ROOT_URLCONF = __name__
    body = urlencode({"note": SECRETS["body"], "local": SECRETS["local"]}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/crash-with-data/",
        "QUERY_STRING": f"q={SECRETS['query']}",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_COOKIE": f"clinic_pref={SECRETS['cookie']}",
        "HTTP_X_FORWARDED_FOR": SECRETS["address"],
        "REMOTE_ADDR": SECRETS["address"],
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, *rest: statuses.append(status))
    b"".join(response)
    response.close()
    assert statuses == ["500 Internal Server Error"]
    sentry_sdk.flush(timeout=10)


def events_in(envelopes):
    events = []
    for envelope in envelopes:
        lines = envelope.splitlines()
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@pytest.mark.django_db
def test_error_report_is_sent_without_personal_data(reporting_service, settings):
    port = reporting_service.server_address[1]
    start_error_reporting(dsn=f"http://publickey@127.0.0.1:{port}/1", environment="test")
    crash_with_personal_data(settings)

    events = events_in(reporting_service.envelopes)
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"] == {"method": "POST", "url": "http://testserver/crash-with-data/"}
    everything = "\n".join(reporting_service.envelopes)
    for kind, secret in SECRETS.items():
        assert secret not in everything, f"the {kind} reached the error report"
    assert "user" not in event


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated")
def test_an_unscrubbed_client_would_have_sent_it(reporting_service, settings):
    """The control: the same failure reported by sentry-sdk's own defaults (with personal data
    allowed) carries what the scrubbed report leaves out, so the test above can fail."""
    port = reporting_service.server_address[1]
    sentry_sdk.init(
        dsn=f"http://publickey@127.0.0.1:{port}/1",
        send_default_pii=True,
        include_local_variables=True,
    )
    crash_with_personal_data(settings)
    everything = "\n".join(reporting_service.envelopes)
    for kind in ("body", "query", "cookie", "address", "local"):
        assert SECRETS[kind] in everything, kind
