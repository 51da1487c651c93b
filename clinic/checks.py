import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_proxy_is_trusted(app_configs, **kwargs):
    """Behind a TLS-terminating proxy, gunicorn must be told to believe its X-Forwarded-Proto."""
    if settings.SECURE_SSL_REDIRECT and not os.environ.get("FORWARDED_ALLOW_IPS"):
        return [
            Warning(
                "FORWARDED_ALLOW_IPS is not set, so gunicorn believes X-Forwarded-Proto only "
                "from 127.0.0.1.",
                hint="Set FORWARDED_ALLOW_IPS to the address of the proxy that terminates HTTPS "
                "(docs/operations.md, 'Behind a proxy'); otherwise every request through it "
                "looks like plain HTTP and is redirected to HTTPS again, without end.",
                id="clinic.W001",
            )
        ]
    return []
