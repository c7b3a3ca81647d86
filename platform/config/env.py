"""Typed readers for environment variables.

Each helper fails loudly at start-up, naming the variable and the bad value, so that a
typo in a deployment never turns into a silently wrong setting.
"""

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, *, schemes: set[str]) -> str | None:
    """A URL whose scheme must be one of `schemes`; None when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name} must be a URL with scheme {allowed}; got scheme {parsed.scheme!r}"
        )
    return raw


def env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = env_str(name, default)
    assert raw is not None
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, got {raw!r}")
    return raw


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_fernet_keys(name: str, *, fallback_secret: str | None) -> list[str]:
    """Fernet keys, comma-separated, newest first: the first encrypts, all decrypt (so a key
    can be rotated). Without the variable, `fallback_secret` (development and tests only)
    derives a stable key; with neither, start-up fails naming the variable."""
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    keys = env_list(name, [])
    if not keys:
        if fallback_secret is None:
            raise ImproperlyConfigured(
                f"{name} must be set when DEBUG is false: a Fernet key, made with "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            )
        digest = hashlib.sha256(b"field-encryption:" + fallback_secret.encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            # The key itself is a secret: name its position, never its value.
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return keys


def env_host_allowlist(name: str) -> list[str]:
    """Host names, IP addresses and networks (CIDR), comma-separated; a malformed network
    fails at start-up rather than silently allowing nothing (or everything)."""
    import ipaddress

    entries = [entry.lower() for entry in env_list(name, [])]
    for entry in entries:
        if "/" in entry or entry.replace(".", "").isdigit() or ":" in entry:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name}: {entry!r} is neither a host name nor an IP address or network"
                ) from None
        elif "://" in entry or " " in entry or not entry.strip("."):
            raise ImproperlyConfigured(f"{name}: {entry!r} is not a host name")
    return entries


def env_csp(name: str, default: str, *, exclude_url_prefixes: tuple[str, ...] = ()) -> dict | None:
    """A Content-Security-Policy written as in the header (`default-src 'self'; img-src
    'self' data:`), as django-csp's CONTENT_SECURITY_POLICY setting. Unset: `default`; set
    but empty: None, so no header is sent. A directive django-csp does not know (it would
    drop it silently) or one given twice fails start-up."""
    from csp.utils import DEFAULT_DIRECTIVES

    raw = os.environ.get(name, default)
    if raw.strip() == "":
        return None
    directives: dict = {}
    for part in raw.split(";"):
        tokens = part.split()
        if not tokens:
            continue
        directive, sources = tokens[0].lower(), tokens[1:]
        if directive not in DEFAULT_DIRECTIVES:
            raise ImproperlyConfigured(f"{name}: unknown directive {tokens[0]!r}")
        if directive in directives:
            raise ImproperlyConfigured(f"{name}: directive {directive!r} appears twice")
        # Directives without sources (upgrade-insecure-requests) are flags to django-csp.
        directives[directive] = sources or True
    return {"DIRECTIVES": directives, "EXCLUDE_URL_PREFIXES": exclude_url_prefixes}
