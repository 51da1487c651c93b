"""Optional error reports (sentry-sdk) with everything that could identify a person removed.

Only what helps fix the fault is sent: the exception, its stack without local variables, the
method and path of the request. Never the body, query string, cookies, headers, addresses or
the signed-in user.
"""

from urllib.parse import urlsplit, urlunsplit

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

REQUEST_KEYS_KEPT = {"method", "url"}


def scrub_event(event, hint=None):
    request = event.get("request")
    if request:
        kept = {key: value for key, value in request.items() if key in REQUEST_KEYS_KEPT}
        if "url" in kept:
            parts = urlsplit(kept["url"])
            kept["url"] = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        event["request"] = kept
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values", []):
        for frame in (thread.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def start_error_reporting(*, dsn, environment):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        # What integrations collect: none of the request's personal parts, no local variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
            "gen_ai": {"inputs": False, "outputs": False},
        },
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        traces_sample_rate=0,
        before_send=scrub_event,
        # The scrubbed event is all that is sent: no sessions, no performance data.
        auto_session_tracking=False,
        send_client_reports=False,
    )
