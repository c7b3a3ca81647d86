"""Writes for accounts."""

import hashlib
import secrets

from django.db import transaction

from accounts.models import ApiToken, User


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_regenerate(*, user: User) -> str:
    """Replace the user's personal API token and return the new key (shown once)."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, prefix=key[:8], key_hash=hash_key(key))
    return key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    ApiToken.objects.filter(user=user).delete()
