"""Removing personal data and secrets from prompt text before anything is stored.

`scrub(text)` replaces each finding with a placeholder ("[EMAIL]", "[CARD]", ...) and counts
the findings per kind. Only the scrubbed text and the counts are kept by the callers.

Checksummed identifiers are validated with python-stdnum, so look-alikes survive: sixteen
digits failing Luhn are not a card, an IBAN with a wrong mod-97 check is not an IBAN, an SSN in
a never-issued range (000, 666, 9xx) is not an SSN. Phone numbers come from phonenumbers'
matcher at leniency VALID (a real, assignable number for its region), not from a regex.

The kinds run in a fixed order, each on the output of the one before: secrets, emails, IBANs,
national identifiers, cards, IP addresses, phones. A value removed by an earlier kind is a
placeholder by the time later kinds look, so a card number or an IBAN is never also counted as
a phone number, and a key containing digits is never also counted as a card.

National identifiers with a distinctive shape (US SSN written 123-45-6789, French NIR, Spanish
DNI/NIE, Italian codice fiscale) are found anywhere. Those that are just a run of digits
(Dutch BSN, German tax IdNr, UK NHS number) pass a checksum by chance too often (about one in
eleven nine-digit numbers is a valid BSN), so they are removed only when a keyword naming them
("BSN", "Steuer-ID", "NHS number", ...) comes shortly before.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban, luhn
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.us import ssn

KINDS: tuple[str, ...] = ("secret", "email", "iban", "national_id", "card", "ip", "phone")
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind.upper()}]" for kind in KINDS}

# Prices and defaults are in USD across the platform; US numbers are the best guess for a
# number written without a country code. Numbers written with "+" are found in every region.
DEFAULT_REGION = "US"
# Prompts are rarely longer than a few pages; the phone matcher costs about 10 us per
# character, so a pasted 10 MB log would hold a worker for minutes. Longer texts are cut
# first: only scrubbed text is ever stored, so cutting loses nothing that could be kept.
MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class Scrubbed:
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    truncated: bool = False  # the input was longer than MAX_TEXT_CHARS and was cut

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- secrets -------------------------------------------------------------------------------

_SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*?"
        r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        re.DOTALL,
    ),
    # JSON Web Tokens: base64url header and payload, both starting with '{"' -> "eyJ".
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    # OpenAI / Anthropic style keys (sk-..., sk-proj-..., sk-ant-...).
    re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),
    # AWS access key ids.
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b"),
    # GitHub tokens (classic and fine-grained).
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
    # Slack tokens.
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    # Google API keys.
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    # HTTP bearer tokens pasted with their header.
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{15,}[A-Za-z0-9_~+/-]=*"),
    # Stripe secret and restricted keys.
    re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b"),
)

# name = value / name: "value", where the name ends in a word saying it holds a credential.
# The pattern starts at that word (the rest of the name is left as it is): anchoring on a
# fixed word keeps the search linear with a small constant even on long runs of symbols.
_ASSIGNMENT = re.compile(
    r"""(?P<name>(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"""
    r"""private[_-]?key|auth|credential)s?)['"]?"""
    r"""(?P<sep>\s*[:=]\s*)(?P<quote>['"]?)(?P<value>[^\s'",;]{6,})""",
    re.IGNORECASE,
)
_ALWAYS_SECRET_NAME = re.compile(r"password|passwd|pwd|secret", re.IGNORECASE)
# Bits per character above which a token looks random rather than like a word. English words
# and identifiers stay below ~3.3; base64 / hex keys of 16+ characters sit above.
MIN_KEY_ENTROPY = 3.5
MIN_KEY_LENGTH = 16


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _scrub_secrets(text: str) -> tuple[str, int]:
    found = 0
    for pattern in _SECRET_PATTERNS:
        text, n = pattern.subn(PLACEHOLDERS["secret"], text)
        found += n

    def assignment(match: re.Match[str]) -> str:
        nonlocal found
        value = match["value"]
        if value.startswith("[") and value.endswith("]"):
            return match[0]  # already a placeholder
        is_secret = bool(_ALWAYS_SECRET_NAME.search(match["name"])) or (
            len(value) >= MIN_KEY_LENGTH and shannon_entropy(value) >= MIN_KEY_ENTROPY
        )
        if not is_secret:
            return match[0]
        found += 1
        return f"{match['name']}{match['sep']}{match['quote']}{PLACEHOLDERS['secret']}"

    text = _ASSIGNMENT.sub(assignment, text)
    return text, found


# --- emails --------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b"
)


# --- IBAN ----------------------------------------------------------------------------------

# Country code, two check digits, then 11-30 letters/digits, optionally in groups of four
# separated by single spaces (the printed form).
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")


def _scrub_iban(text: str) -> tuple[str, int]:
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        candidate = match[0]
        # The pattern is greedy and may run into a following word in capitals ("... 00 IS");
        # try the longest prefix that ends at a group boundary and passes mod-97.
        positions = [i for i, c in enumerate(candidate) if c != " "]
        compact = candidate.replace(" ", "")
        for n in range(len(compact), 14, -1):
            end = positions[n - 1] + 1
            if end < len(candidate) and candidate[end] != " ":
                continue
            if iban.is_valid(compact[:n]):
                found += 1
                return PLACEHOLDERS["iban"] + candidate[end:]
        return candidate

    return _IBAN.sub(replace, text), found


# --- national identifiers ------------------------------------------------------------------

_Validator = Callable[[str], bool]

# Distinctive shapes: safe to look for anywhere.
_NATIONAL_ANYWHERE: tuple[tuple[re.Pattern[str], _Validator], ...] = (
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), ssn.is_valid),
    # French NIR: sex digit, year, month, department, commune, order, key (spaces optional).
    (
        re.compile(r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"),
        nir.is_valid,
    ),
    (re.compile(r"\b\d{8}-?[A-Z]\b"), dni.is_valid),
    (re.compile(r"\b[XYZ]-?\d{7}-?[A-Z]\b"), nie.is_valid),
    (
        re.compile(r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b", re.IGNORECASE),
        codicefiscale.is_valid,
    ),
)

# Plain digit runs: only after a keyword naming them, within a few words.
_NEAR = r"[^\n\d]{0,30}?"
_NATIONAL_KEYWORD: tuple[tuple[re.Pattern[str], _Validator], ...] = (
    (
        re.compile(
            rf"(?:\bBSN\b|burgerservicenummer|sofi-?nummer)"
            rf"{_NEAR}(?P<value>\b\d{{4}}[ .]?\d{{2}}[ .]?\d{{3}}\b)",
            re.IGNORECASE,
        ),
        bsn.is_valid,
    ),
    (
        re.compile(
            rf"(?:steuer-?id|steueridentifikationsnummer|identifikationsnummer|\bIdNr\b|tax id)"
            rf"{_NEAR}(?P<value>\b\d{{2}} ?\d{{3}} ?\d{{3}} ?\d{{3}}\b)",
            re.IGNORECASE,
        ),
        idnr.is_valid,
    ),
    (
        re.compile(
            rf"\bNHS\b{_NEAR}(?P<value>\b\d{{3}}[ -]?\d{{3}}[ -]?\d{{4}}\b)",
            re.IGNORECASE,
        ),
        nhs.is_valid,
    ),
)


def _scrub_national(text: str) -> tuple[str, int]:
    found = 0

    def whole(validator: _Validator) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            nonlocal found
            if validator(match[0]):
                found += 1
                return PLACEHOLDERS["national_id"]
            return match[0]

        return replace

    def value_only(validator: _Validator) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            nonlocal found
            if validator(match["value"]):
                found += 1
                start = match.start("value") - match.start()
                return match[0][:start] + PLACEHOLDERS["national_id"]
            return match[0]

        return replace

    for pattern, validator in _NATIONAL_ANYWHERE:
        text = pattern.sub(whole(validator), text)
    for pattern, validator in _NATIONAL_KEYWORD:
        text = pattern.sub(value_only(validator), text)
    return text, found


# --- payment cards -------------------------------------------------------------------------

# 13 to 19 digits, optionally grouped with single spaces or hyphens; not glued to other digits.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


def _scrub_cards(text: str) -> tuple[str, int]:
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        digits = re.sub(r"\D", "", match[0])
        # Luhn plus a real issuer prefix range (2-6): all-zero runs and the like pass Luhn.
        if digits[0] in "23456" and luhn.is_valid(digits):
            found += 1
            return PLACEHOLDERS["card"]
        return match[0]

    return _CARD.sub(replace, text), found


# --- IP addresses --------------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
# Loose IPv6 candidates (hex groups and colons, at least two colons); ipaddress decides.
_IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?:%\w+)?")


def _scrub_ips(text: str) -> tuple[str, int]:
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        candidate = match[0]
        try:
            ipaddress.ip_address(candidate.split("%", 1)[0])
        except ValueError:
            return candidate
        found += 1
        return PLACEHOLDERS["ip"]

    text = _IPV4.sub(replace, text)
    text = _IPV6.sub(replace, text)
    return text, found


# --- phone numbers -------------------------------------------------------------------------


def _scrub_phones(text: str, region: str) -> tuple[str, int]:
    matches = list(
        phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    )
    if not matches:
        return text, 0
    parts: list[str] = []
    last = 0
    for match in matches:
        parts.append(text[last : match.start])
        parts.append(PLACEHOLDERS["phone"])
        last = match.end
    parts.append(text[last:])
    return "".join(parts), len(matches)


# --- the whole pipeline --------------------------------------------------------------------


def _sub(pattern: re.Pattern[str], kind: str) -> Callable[[str], tuple[str, int]]:
    return lambda text: pattern.subn(PLACEHOLDERS[kind], text)


def scrub(text: str, *, region: str = DEFAULT_REGION) -> Scrubbed:
    """Remove personal data and secrets from `text`.

    region: the ISO country whose conventions apply to phone numbers written without "+".
    Returns the scrubbed text and, per kind found at least once, how many values were removed.
    Text beyond MAX_TEXT_CHARS is dropped (truncated=True).
    """
    if not text:
        return Scrubbed(text="", counts={})
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        text = text[:MAX_TEXT_CHARS]
    steps: tuple[tuple[str, Callable[[str], tuple[str, int]]], ...] = (
        ("secret", _scrub_secrets),
        ("email", _sub(_EMAIL, "email")),
        ("iban", _scrub_iban),
        ("national_id", _scrub_national),
        ("card", _scrub_cards),
        ("ip", _scrub_ips),
        ("phone", lambda t: _scrub_phones(t, region)),
    )
    counts: dict[str, int] = {}
    for kind, step in steps:
        text, n = step(text)
        if n:
            counts[kind] = n
    return Scrubbed(text=text, counts=counts, truncated=truncated)
