"""The encrypted field now lives in clinic/fields.py; this path stays for older migrations."""

from clinic.fields import (  # noqa: F401
    EncryptedTextField,
    decrypt,
    encrypt,
    is_encrypted_with_current_key,
    key_ring,
)
