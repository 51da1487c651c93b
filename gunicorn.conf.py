"""Gunicorn settings, used by the container image and by the test that stands in for it.

Every value can be changed from the environment; see docs/operations.md, "The server".
"""

import os

# In the container the server listens on every interface; the proxy in front of it is the only
# way in. Elsewhere set HOST=127.0.0.1.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
wsgi_app = "clinic.wsgi:application"

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request still running after this many seconds has its worker restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Load Django once in the master: workers fork ready to serve, so replacing one costs
# milliseconds instead of a fresh import.
preload_app = True
# Restart workers now and then so a slow leak can never grow without bound; rarely enough that
# the restarts do not show in the latency tail under load (docs/benchmarks.md).
max_requests = 20000
max_requests_jitter = 2000
# The workers' heartbeat files live in memory, not on the container's overlay disk.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn creates its own private files inside)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

# No runtime control socket: the server is managed by the container, not by hand.
control_socket_disable = True

# Logs go to the container's output: access log to stdout, server messages to stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Method, path and status only. Query strings (FAQ search words can describe someone's health),
# referrers, user agents and client addresses stay out of the log.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# LOG_FORMAT=json: the access log and gunicorn's own messages as one JSON object per line.
if os.environ.get("LOG_FORMAT", "plain") == "json":
    logger_class = "clinic.gunicorn_logging.JsonLogger"
