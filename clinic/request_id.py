"""A request id for every request, and log lines that carry it (optionally as JSON).

Behind a trusted proxy (TRUSTED_PROXY_COUNT > 0) the proxy's X-Request-ID is used, so
the proxy's, gunicorn's and the site's lines about one request share an id; otherwise, or when
the header is not a plain token, a new id is made. The id goes back in the response's
X-Request-ID header, where gunicorn's access log reads it.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

current_request_id = ContextVar("current_request_id", default="")
TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_for(request):
    offered = request.headers.get("X-Request-ID", "")
    if settings.TRUSTED_PROXY_COUNT > 0 and TOKEN.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_for(request)
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        # Django logs a failed response after the middleware has finished, naming the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or current_request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """time, level, logger, message and request id, and only the known extra fields: others,
    such as the request Django attaches to its records (its repr holds the query string), are
    left out."""

    FIELDS = {
        "time", "level", "logger", "message", "request_id", "method", "path", "status",
        "duration_ms", "status_code", "exc_info", "stack_info",
    }  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message"])
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        log_data.setdefault("request_id", getattr(record, "request_id", "") or None)
        for name in set(log_data) - self.FIELDS:
            del log_data[name]
