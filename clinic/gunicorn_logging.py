"""gunicorn's logs as one JSON object per line, used when LOG_FORMAT=json (gunicorn.conf.py).

The access line holds the time, method, path without its query string, status, duration and
the request id the site put in the X-Request-ID response header; never the client's address,
query string, referrer or user agent.
"""

import logging

from gunicorn import glogging

from clinic.request_id import JsonFormatter


class JsonLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        request_id = next(
            (value for name, value in resp.headers if name.lower() == "x-request-id"), None
        )
        self.access_log.log(
            logging.INFO,
            "request",
            extra={
                "request_id": request_id,
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            },
        )
