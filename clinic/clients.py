"""Who is asking, without keeping who they are: the client's address and keyed hashes of it."""

from django.conf import settings
from django.utils.crypto import salted_hmac


def client_address(request):
    """The address of the client, trusting X-Forwarded-For only as far as our own proxies.

    With CONSULTATION_TRUSTED_PROXIES = N, each of our N proxies appended the address it saw, so
    the client is the Nth entry from the right; anything left of it came from the client and can
    be forged. With 0 (no proxy), or a header shorter than that, it is REMOTE_ADDR.
    """
    proxies = settings.CONSULTATION_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def keyed_hash(value, *, purpose):
    """A keyed hash of the value (64 hex digits): equal for equal values, useless without the
    SECRET_KEY, and different for each purpose so hashes cannot be matched across features."""
    return salted_hmac(purpose, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()
