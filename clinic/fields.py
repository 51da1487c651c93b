"""A text field encrypted at rest with the keys in settings.FIELD_ENCRYPTION_KEYS."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver


@cache
def _multifernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def key_ring():
    """The configured keys: the first encrypts, every one of them decrypts."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _multifernet.cache_clear()


def encrypt(text):
    return key_ring().encrypt(text.encode()).decode("ascii")


def decrypt(token):
    return key_ring().decrypt(token.encode("ascii")).decode()


def is_encrypted_with_current_key(token):
    """True when the newest key alone decrypts the stored token."""
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees plain text.

    An empty value is stored empty, so "no note" stays visible to queries. The column cannot be
    searched or ordered by its content. A value that no configured key decrypts raises
    cryptography's InvalidToken rather than handing back ciphertext as if it were text.
    """

    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)
