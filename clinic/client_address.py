"""The client's address, as far as the site can trust it: for the staff-login lockouts
(AXES_CLIENT_IP_CALLABLE), the consultation form's and the FAQ votes' per-client limits alike."""

from django.conf import settings


def client_address(request):
    """The address of the client, trusting X-Forwarded-For only as far as our own proxies.

    With TRUSTED_PROXY_COUNT = N, each of our N proxies appended the address it saw, so the client
    is the Nth entry from the right; anything left of it came from the client and can be forged.
    With 0 (no proxy), or a header shorter than that, it is REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
