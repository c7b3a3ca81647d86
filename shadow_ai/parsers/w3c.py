"""W3C extended / ELFF logs with a `#Fields:` header, read per file (and again wherever a
new header appears). Field names differ by gateway:

- Symantec ProxySG / Edge SWG: date time time-taken c-ip cs-username ... cs-categories
  ... cs-host cs-uri-port cs-uri-path cs-uri-query ... sc-bytes cs-bytes ...
- Netskope: date time cs-username c-ip cs-host cs-uri ... x-cs-app ... (x- prefixed).

Values are separated by spaces; quoted values ("Technology/Internet") may hold spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from shadow_ai.parsers.common import (
    TOO_LONG,
    FileError,
    Rejection,
    Row,
    RowError,
    Validator,
    action_of,
    decode,
    excerpt,
    iter_lines,
    parse_ts,
    split_url,
    to_int,
)

TOKENS = re.compile(r'"[^"]*"|\S+')

# Normalised field -> W3C names that carry it, first present wins.
FIELDS = {
    "date": ("date",),
    "time": ("time",),
    "epoch": ("x-timestamp", "timestamp", "x-epoch"),
    "user": ("cs-username", "cs-user", "x-cs-username", "cs-userdn", "x-user"),
    "ip": ("c-ip", "x-c-ip", "cs-ip"),
    "host": ("cs-host", "x-cs-host", "cs(host)", "s-hostname", "r-host", "x-host"),
    "url": ("cs-uri", "x-cs-uri", "cs-url", "url"),
    "path": ("cs-uri-path", "cs-uri-stem", "x-cs-uri-path"),
    "sc_bytes": ("sc-bytes", "x-sc-bytes"),
    "cs_bytes": ("cs-bytes", "x-cs-bytes"),
    # ProxySG's s-action is the cache outcome (TCP_NC_MISS); its verdict is sc-filter-result.
    "action": ("sc-filter-result", "x-cs-action", "x-action", "x-policy-action", "s-action"),
    "app": ("x-cs-app", "x-app", "cs-categories", "x-cs-app-category", "cs-category"),
}


def _positions(names: list[str]) -> dict[str, int]:
    lower = [name.lower() for name in names]
    found = {}
    for key, candidates in FIELDS.items():
        for candidate in candidates:
            if candidate in lower:
                found[key] = lower.index(candidate)
                break
    return found


def parse_w3c(
    stream: BinaryIO, options: dict, *, skip: int = 0, now: float | None = None
) -> Iterator[Row | Rejection]:
    check = Validator(now)
    positions: dict[str, int] | None = None
    width = 0
    for line_no, raw in iter_lines(stream):
        if raw is None:
            if line_no > skip:
                yield Rejection(line_no, TOO_LONG, "")
            continue
        line = decode(raw)
        if line.startswith("#"):
            if line[1:8].lower() == "fields:":
                names = line[8:].split()
                positions = _positions(names)
                width = len(names)
                if "host" not in positions and "url" not in positions:
                    raise FileError(
                        f"line {line_no}: the #Fields header names no host field "
                        "(cs-host, x-cs-host, cs-uri ...)"
                    )
                if not ({"date", "time"} <= positions.keys() or "epoch" in positions):
                    raise FileError(
                        f"line {line_no}: the #Fields header names no date and time fields"
                    )
            continue
        if line_no <= skip or not line.strip():
            continue
        if positions is None:
            raise FileError(
                f"line {line_no}: data before any #Fields: header; is this a W3C extended log?"
            )
        values = line.split() if '"' not in line else TOKENS.findall(line)
        if len(values) != width:
            yield Rejection(
                line_no,
                f"{len(values)} values where the #Fields header names {width}",
                excerpt(line),
            )
            continue
        try:
            yield _row(check, line_no, values, positions)
        except RowError as exc:
            yield Rejection(line_no, str(exc), excerpt(line))


def _get(values: list[str], positions: dict[str, int], key: str) -> str:
    at = positions.get(key)
    if at is None:
        return ""
    value = values[at]
    if value.startswith('"'):
        value = value.strip('"')
    return "" if value == "-" else value


def _row(check: Validator, line_no: int, values: list[str], positions: dict[str, int]) -> Row:
    if "epoch" in positions and _get(values, positions, "epoch"):
        ts = parse_ts(_get(values, positions, "epoch"))
    else:
        date, time_ = _get(values, positions, "date"), _get(values, positions, "time")
        if not date or not time_:
            raise RowError("no date or time")
        ts = parse_ts(f"{date}T{time_}")
    host = _get(values, positions, "host")
    path = _get(values, positions, "path")
    url = _get(values, positions, "url")
    if url and (not host or not path):
        url_host, url_path = split_url(url)
        host = host or url_host
        path = path or url_path
    return check.row(
        line_no,
        ts=ts,
        user=_get(values, positions, "user"),
        ip=_get(values, positions, "ip"),
        host=host,
        url_path=path.split("?", 1)[0],
        size=to_int(_get(values, positions, "sc_bytes"))
        + to_int(_get(values, positions, "cs_bytes")),
        action=action_of(_get(values, positions, "action")),
        app=_get(values, positions, "app"),
    )
