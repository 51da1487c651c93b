"""The visitor's address, as lockouts and per-client limits see it."""

import pytest

from clinic.security import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a client-written entry is skipped
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.5"),  # the proxy did not say: fall back to the connection
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    rf, settings, proxies, forwarded_for, expected
):
    """Only entries appended by trusted proxies count; a forged header cannot pick the address."""
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
