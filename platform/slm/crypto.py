"""Secrets at rest: Fernet (AES-128-CBC with HMAC-SHA256) under FIELD_ENCRYPTION_KEY.

Models keep only the token; the plain value exists in memory just long enough to be used
(an HTTP header), so a template, serializer, admin page or audit diff that shows a model's
fields can only ever show ciphertext.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(RuntimeError):
    """The stored token does not decrypt with any configured key (a lost or rotated key)."""


def _fernet() -> MultiFernet:
    # Built per call: cheap, and tests that change the setting see the change.
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plain: str) -> str:
    """The token for `plain` ('' stays '': nothing stored)."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise SecretUnreadable(
            "a stored secret does not decrypt with any key in FIELD_ENCRYPTION_KEY "
            "(was the key changed?); enter the secret again"
        ) from exc
