"""The shipped catalogue of AI tools (pure Python, no Django).

`tools.json` in this folder is the data; `load_catalogue` reads and validates it, so a bad edit
fails with a message naming the tool and the field instead of reaching the database. The
importer (shadow_ai.services.catalogue) turns the entries into CatalogueTool rows.

Domains are *suffix patterns*: "chatgpt.com" matches chatgpt.com and every subdomain of it. A
"*" may stand for exactly one whole label in the middle of a pattern
("bedrock-runtime.*.amazonaws.com", one label per AWS region), never at the start or the end.
Shared apexes (google.com, microsoft.com, amazonaws.com, ...) are refused as whole patterns:
matching them would call all of Google or AWS an AI tool. A product's own subdomain
(gemini.google.com) is what gets catalogued. Where the domain lists and data come from is in
NOTICE.

Risk attributes are indicative and may be out of date. `soc2`/`iso27001` are True only where
the vendor publicly states the certification; False means "not confirmed", not "known not to
hold". `trains_on_user_data` is None where the default is unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

CATEGORIES: dict[str, str] = {
    "chat": "Chat assistant",
    "coding": "Coding assistant",
    "writing": "Writing",
    "meetings": "Meetings and transcription",
    "search": "Search",
    "media": "Image, video and voice",
    "model_api": "Model API",
    "agents": "Agent platform",
    "saas_feature": "AI feature inside a SaaS product",
}

DEFAULT_PATH = Path(__file__).with_name("tools.json")

# Apexes shared by many products of one company (or by everything hosted on a cloud). A
# pattern equal to one of these would label all of that traffic as one AI tool; the nullgen
# list's README makes the same rule. Subdomains of them (gemini.google.com) are fine.
SHARED_APEXES: frozenset[str] = frozenset(
    {
        "adobe.com",
        "amazon.com",
        "amazonaws.com",
        "apple.com",
        "azure.com",
        "baidu.com",
        "bing.com",
        "cloud.microsoft",
        "cloudfront.net",
        "github.com",
        "githubusercontent.com",
        "google.com",
        "googleapis.com",
        "gstatic.com",
        "live.com",
        "meta.com",
        "microsoft.com",
        "office.com",
        "openai.com",
        "salesforce.com",
        "slack.com",
        "tencent.com",
        "workers.dev",
        "x.com",
        "zoom.us",
    }
)

# Bare apexes of companies whose site is all AI, with the tool a visit to the apex itself (or
# its "www.") is counted as: reading openai.com is using OpenAI, and ChatGPT is what people
# there use. Deliberately a reviewed list, not derived from "every catalogued domain under
# this apex has one vendor": that rule also holds for google.com (all Google), microsoft.com,
# vk.com and sber.ru (a social network and a bank whose chat products are catalogued), which
# must stay ordinary traffic. Only the apex and its www. are covered; other unmatched hosts
# under it still go to classification. parse_catalogue checks each entry against the tools.
VENDOR_APEXES: Mapping[str, str] = {
    "openai.com": "chatgpt",
    "anthropic.com": "claude",
}

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# One DNS label (already IDNA/ASCII, lower case) or a lone "*" wildcard label.
LABEL_RE = re.compile(r"^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$")
PRICE_MAX = Decimal("100000")


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message says which tool and which field."""


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    vendor: str
    category: str
    domains: tuple[str, ...]
    trains_on_user_data: bool | None
    retention: str
    retention_days: int | None
    enterprise_plan: bool
    sso: bool
    soc2: bool
    iso27001: bool
    data_residency: tuple[str, ...]
    price_per_seat_month: Decimal | None
    notes: str
    sources: tuple[str, ...]


def validate_domain_pattern(pattern: str) -> str | None:
    """Why `pattern` is not an acceptable catalogue domain, or None when it is."""
    if pattern != pattern.strip().lower() or not pattern:
        return "must be lower case without spaces"
    if pattern.startswith("*."):
        return 'must not start with "*." (every pattern already matches its subdomains)'
    labels = pattern.split(".")
    if len(labels) < 2:
        return "must have at least two labels"
    if any(not LABEL_RE.match(label) for label in labels):
        return "has an invalid label (ASCII/IDNA letters, digits and hyphens, or a lone *)"
    if "*" in labels:
        last_star = max(i for i, label in enumerate(labels) if label == "*")
        # The part after the last wildcard must itself be a registrable name, or the pattern
        # could match any host under a public suffix.
        if labels[0] == "*" or len(labels) - last_star - 1 < 2:
            return "a * must sit in the middle, followed by at least two fixed labels"
    if pattern in SHARED_APEXES:
        return "is a shared apex; catalogue the product's own subdomain instead"
    return None


def _fail(where: str, message: str) -> CatalogueError:
    return CatalogueError(f"{where}: {message}")


def _str(raw: Mapping[str, Any], field: str, where: str, *, allow_empty: bool = False) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise _fail(where, f"field {field!r} must be a non-empty string, got {value!r}")
    return value


def _bool(raw: Mapping[str, Any], field: str, where: str, *, nullable: bool = False) -> bool | None:
    value = raw.get(field)
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        kind = "true, false or null" if nullable else "true or false"
        raise _fail(where, f"field {field!r} must be {kind}, got {value!r}")
    return value


def _str_tuple(raw: Mapping[str, Any], field: str, where: str) -> tuple[str, ...]:
    value = raw.get(field)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(where, f"field {field!r} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _price(raw: Mapping[str, Any], where: str) -> Decimal | None:
    value = raw.get("price_per_seat_month")
    if value is None:
        return None
    # Strings keep cents exact ("19.99"); integers are accepted too. Floats are refused so a
    # binary rounding error never reaches a Decimal column.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(
            where, f"price_per_seat_month must be a string like '19.99' or null, got {value!r}"
        )
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise _fail(where, f"price_per_seat_month {value!r} is not a number") from None
    if not price.is_finite() or price < 0 or price > PRICE_MAX:
        raise _fail(where, f"price_per_seat_month {value!r} must be between 0 and {PRICE_MAX}")
    return price


FIELDS = frozenset(CatalogueEntry.__dataclass_fields__)


def entry_from_dict(raw: Any, where: str) -> CatalogueEntry:
    """Validate one JSON object and build its entry; `where` names it in error messages."""
    if not isinstance(raw, dict):
        raise _fail(where, "each tool must be a JSON object")
    unknown = set(raw) - FIELDS
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}")
    key = _str(raw, "key", where)
    where = f"{where} ({key})"
    if not KEY_RE.match(key):
        raise _fail(where, "key must be lower-case letters, digits, '-' or '_' (max 64)")
    category = _str(raw, "category", where)
    if category not in CATEGORIES:
        raise _fail(where, f"category {category!r} is not one of {sorted(CATEGORIES)}")
    domains = _str_tuple(raw, "domains", where)
    if not domains:
        raise _fail(where, "a tool needs at least one domain")
    for domain in domains:
        problem = validate_domain_pattern(domain)
        if problem:
            raise _fail(where, f"domain {domain!r} {problem}")
    if len(set(domains)) != len(domains):
        raise _fail(where, "a domain is listed twice")
    retention_days = raw.get("retention_days")
    if retention_days is not None and (
        isinstance(retention_days, bool)
        or not isinstance(retention_days, int)
        or retention_days < 0
    ):
        raise _fail(
            where, f"retention_days must be a non-negative integer or null, got {retention_days!r}"
        )
    sources = _str_tuple(raw, "sources", where)
    if not sources:
        raise _fail(where, "sources must name where the domains come from")
    return CatalogueEntry(
        key=key,
        name=_str(raw, "name", where),
        vendor=_str(raw, "vendor", where),
        category=category,
        domains=domains,
        trains_on_user_data=_bool(raw, "trains_on_user_data", where, nullable=True),
        retention=_str(raw, "retention", where, allow_empty=True),
        retention_days=retention_days,
        enterprise_plan=bool(_bool(raw, "enterprise_plan", where)),
        sso=bool(_bool(raw, "sso", where)),
        soc2=bool(_bool(raw, "soc2", where)),
        iso27001=bool(_bool(raw, "iso27001", where)),
        data_residency=_str_tuple(raw, "data_residency", where),
        price_per_seat_month=_price(raw, where),
        notes=_str(raw, "notes", where, allow_empty=True),
        sources=sources,
    )


def parse_catalogue(data: Any, *, origin: str = "catalogue") -> list[CatalogueEntry]:
    """Validate already-decoded JSON (a list of tool objects) as a whole catalogue."""
    if not isinstance(data, list):
        raise CatalogueError(f"{origin}: the top level must be a JSON list of tools")
    entries = [entry_from_dict(raw, f"{origin}: tool #{i + 1}") for i, raw in enumerate(data)]
    seen_keys: set[str] = set()
    owner: dict[str, str] = {}
    for entry in entries:
        if entry.key in seen_keys:
            raise CatalogueError(f"{origin}: key {entry.key!r} is used by two tools")
        seen_keys.add(entry.key)
        for domain in entry.domains:
            # A host must lead to one tool only; two tools claiming one pattern would make the
            # match depend on file order.
            if domain in owner:
                raise CatalogueError(
                    f"{origin}: domain {domain!r} is claimed by both {owner[domain]!r} "
                    f"and {entry.key!r}"
                )
            owner[domain] = entry.key
    check_vendor_apexes(entries, VENDOR_APEXES, origin=origin)
    return entries


def check_vendor_apexes(
    entries: list[CatalogueEntry], apexes: Mapping[str, str], *, origin: str = "catalogue"
) -> None:
    """Refuse a vendor apex that is itself a catalogue domain or has another vendor's tool
    catalogued under it (the apex would then not be one vendor's). An apex whose tool is not
    in this catalogue (a test's own file) is left out, as the matcher leaves it out."""
    by_key = {entry.key: entry for entry in entries}
    for apex, key in apexes.items():
        main = by_key.get(key)
        if main is None:
            continue
        under = [
            entry
            for entry in entries
            for domain in entry.domains
            if domain == apex or domain.endswith("." + apex)
        ]
        if any(apex in entry.domains for entry in under):
            raise CatalogueError(f"{origin}: vendor apex {apex!r} is itself a catalogue domain")
        others = sorted({entry.key for entry in under if entry.vendor != main.vendor})
        if not under or others:
            raise CatalogueError(
                f"{origin}: vendor apex {apex!r} must have only {main.vendor}'s tools "
                f"catalogued under it (found {', '.join(others) or 'none'})"
            )


def load_catalogue(path: Path | None = None) -> list[CatalogueEntry]:
    """Read and validate the catalogue (the shipped tools.json unless `path` is given).

    Raises CatalogueError (a ValueError) naming the file, the tool and the field at fault.
    """
    path = path or DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_catalogue(data, origin=str(path))
