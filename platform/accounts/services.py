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
    ApiToken.objects.filter(user=user, scope="").delete()
    ApiToken.objects.create(user=user, prefix=key[:8], key_hash=hash_key(key))
    return key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    ApiToken.objects.filter(user=user, scope="").delete()


@transaction.atomic
def api_token_create_scoped(*, user: User, scope: str, organization_id: int, name: str) -> str:
    """A token that works only on endpoints accepting `scope`, in one organisation; returns
    the key (shown once). The caller checks that the user may hand out such a token."""
    if not scope:
        raise ValueError("a scoped token needs a scope")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        scope=scope,
        organization_id=organization_id,
        name=name[:120],
        prefix=key[:8],
        key_hash=hash_key(key),
    )
    return key
