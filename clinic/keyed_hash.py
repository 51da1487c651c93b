"""Keyed hashes: count or recognise something (an address, a submission) without keeping it."""

from django.conf import settings
from django.utils.crypto import salted_hmac


def keyed_hash(value, *, purpose):
    """A keyed hash of the value (64 hex digits): equal for equal values, useless without the
    SECRET_KEY, and different for each purpose so hashes cannot be matched across features."""
    return salted_hmac(purpose, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()
