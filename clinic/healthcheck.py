"""The container's HEALTHCHECK: exit 0 when the running server's /healthz/ answers 200.

Runs without loading Django, so it stays cheap. Django refuses hosts it does not serve, so the
request names the first host in ALLOWED_HOSTS.
"""

import http.client
import os
import sys


def health_host():
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts else "localhost"
    return "localhost" if host == "*" else host


def main():
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz/", headers={"Host": health_host()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthcheck: no answer on port {port}: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthcheck: /healthz/ answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
