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


@register(Tags.security)
def check_one_trusted_proxy_count(app_configs, **kwargs):
    """The proxy count has a new name; when the environment sets both, say which one counts."""
    old_name = "CONSULTATION_TRUSTED_PROXIES"
    if "TRUSTED_PROXY_COUNT" in os.environ and old_name in os.environ:
        return [
            Warning(
                f"Both TRUSTED_PROXY_COUNT and its old name {old_name} are set; "
                f"TRUSTED_PROXY_COUNT ({settings.TRUSTED_PROXY_COUNT}) is used and "
                f"{old_name} ({os.environ[old_name]}) is ignored.",
                hint=f"Remove {old_name} from the environment.",
                id="clinic.W002",
            )
        ]
    return []
