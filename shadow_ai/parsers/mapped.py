"""Formats whose rows are records with named fields: Zscaler NSS (JSON or tab-separated
with a configured field list), Cloudflare Gateway HTTP (JSON), JSON Lines and CSV with a
column mapping. Each maps its names onto the normalised fields; a log source's
options["columns"] ({field: name}) overrides the defaults.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
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

# Normalised field -> candidate keys (lower case), first present wins.
GENERIC = {
    "ts": ("ts", "timestamp", "time", "datetime", "@timestamp", "date", "epochtime"),
    "user": ("user", "email", "username", "user_name", "login", "upn", "user_email"),
    "ip": ("ip", "client_ip", "clientip", "src_ip", "source_ip", "sourceip", "cip"),
    "host": ("host", "hostname", "domain", "httphost", "server_host"),
    "url": ("url", "uri", "request_url"),
    "path": ("path", "url_path", "uri_path"),
    "bytes": ("bytes", "size", "total_bytes", "transactionsize"),
    "sent": ("bytes_out", "requestsize", "sent_bytes"),
    "received": ("bytes_in", "responsesize", "received_bytes"),
    "action": ("action", "decision", "verdict"),
    "app": ("app", "application", "appname", "app_name"),
    "prompt": ("prompt", "prompt_text", "input", "text"),
    "id": ("id", "event_id", "eventid", "uuid"),
}

ZSCALER = {
    "ts": ("epochtime", "datetime", "time"),
    "user": ("login", "user"),
    "ip": ("cip", "clientip", "clientinternalip"),
    "host": ("hostname", "host", "ehost"),
    "url": ("url", "eurl"),
    "path": (),
    "bytes": ("transactionsize",),
    "sent": ("requestsize",),
    "received": ("responsesize",),
    "action": ("action",),
    "app": ("appname", "app", "urlcategory"),
    "prompt": ("prompt",),
    "id": ("recordid", "record_id"),
}

CLOUDFLARE = {
    "ts": ("datetime",),
    "user": ("email", "userid"),
    "ip": ("sourceip",),
    "host": ("httphost",),
    "url": ("url",),
    "path": (),
    "bytes": ("bytes",),
    "sent": ("uploadedfilesize",),
    "received": (),
    "action": ("action",),
    "app": ("applicationname", "appname", "application"),
    "prompt": ("prompt",),
    "id": ("requestid",),
}

NSS_DATETIME = "%a %b %d %H:%M:%S %Y"  # Zscaler's default: Mon Jun 20 15:29:11 2022


class Mapper:
    """Picks the normalised fields out of one record (keys compared in lower case)."""

    def __init__(self, defaults: dict[str, tuple[str, ...]], overrides: Mapping[str, str]):
        self.keys = {field: tuple(names) for field, names in defaults.items()}
        for field, name in (overrides or {}).items():
            if field not in self.keys:
                raise FileError(
                    f"the column mapping names an unknown field {field!r}; known fields: "
                    + ", ".join(sorted(self.keys))
                )
            if name:
                self.keys[field] = (str(name).lower(),)

    def get(self, record: Mapping[str, object], field: str) -> object:
        for key in self.keys[field]:
            value = record.get(key)
            if value not in (None, "", "-"):
                return value
        return None

    def row(self, check: Validator, line_no: int, record: Mapping[str, object]) -> Row:
        raw_ts = self.get(record, "ts")
        try:
            ts = parse_ts(raw_ts)
        except RowError:
            if isinstance(raw_ts, str):
                try:
                    ts = datetime.strptime(raw_ts.strip(), NSS_DATETIME).replace(tzinfo=UTC)
                except ValueError:
                    raise RowError(f"unreadable timestamp {raw_ts[:40]!r}") from None
                ts = ts.timestamp()
            else:
                raise
        host = _text(self.get(record, "host"))
        path = _text(self.get(record, "path"))
        url = _text(self.get(record, "url"))
        if url and (not host or not path):
            url_host, url_path = split_url(url)
            host, path = host or url_host, path or url_path
        size = self.get(record, "bytes")
        total = (
            to_int(size)
            if size is not None
            else to_int(self.get(record, "sent")) + to_int(self.get(record, "received"))
        )
        prompt = self.get(record, "prompt")
        event_id = self.get(record, "id")
        return check.row(
            line_no,
            ts=ts,
            user=_text(self.get(record, "user")),
            ip=_text(self.get(record, "ip")),
            host=host,
            url_path=path.split("?", 1)[0],
            size=total,
            action=action_of(_text(self.get(record, "action"))),
            app=_text(self.get(record, "app")),
            prompt=str(prompt) if prompt is not None else None,
            event_id=str(event_id)[:200] if event_id is not None else None,
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _lower(record: dict) -> dict:
    inner = record.get("event")
    if isinstance(inner, dict):  # Zscaler's JSON feed nests the fields under "event"
        record = inner
    return {str(key).lower(): value for key, value in record.items()}


def _json_records(
    stream: BinaryIO, mapper: Mapper, *, skip: int, now: float | None, name: str
) -> Iterator[Row | Rejection]:
    check = Validator(now)
    seen_object = False
    for line_no, raw in iter_lines(stream):
        if line_no <= skip:
            continue
        if raw is None:
            yield Rejection(line_no, TOO_LONG, "")
            continue
        line = decode(raw).strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            if not seen_object and line_no == 1 and line.startswith("["):
                raise FileError(
                    f"this looks like one JSON array, not {name}: one JSON object per line "
                    "is expected"
                ) from None
            yield Rejection(line_no, f"not valid JSON: {exc}", excerpt(line))
            continue
        if not isinstance(record, dict):
            yield Rejection(line_no, "a JSON object was expected on this line", excerpt(line))
            continue
        seen_object = True
        try:
            yield mapper.row(check, line_no, _lower(record))
        except RowError as exc:
            yield Rejection(line_no, str(exc), excerpt(line))


def parse_jsonl(stream: BinaryIO, options: dict, **kwargs) -> Iterator[Row | Rejection]:
    mapper = Mapper(GENERIC, options.get("columns") or {})
    return _json_records(stream, mapper, name="JSON Lines", **kwargs)


def parse_zscaler_json(stream: BinaryIO, options: dict, **kwargs) -> Iterator[Row | Rejection]:
    mapper = Mapper(ZSCALER, options.get("columns") or {})
    return _json_records(stream, mapper, name="Zscaler NSS JSON", **kwargs)


def parse_cloudflare(stream: BinaryIO, options: dict, **kwargs) -> Iterator[Row | Rejection]:
    mapper = Mapper(CLOUDFLARE, options.get("columns") or {})
    return _json_records(stream, mapper, name="Cloudflare Gateway JSON", **kwargs)


def parse_zscaler_tsv(
    stream: BinaryIO, options: dict, *, skip: int = 0, now: float | None = None
) -> Iterator[Row | Rejection]:
    """Tab-separated NSS feed: the field list is configured on the log source
    (options["fields"], in order), or given by a first line starting with '#'."""
    mapper = Mapper(ZSCALER, options.get("columns") or {})
    check = Validator(now)
    fields = [str(name).strip().lower() for name in options.get("fields") or []]
    for line_no, raw in iter_lines(stream):
        if raw is None:
            if line_no > skip:
                yield Rejection(line_no, TOO_LONG, "")
            continue
        line = decode(raw)
        if line.startswith("#"):
            fields = [name.strip().lower() for name in line.lstrip("#").split("\t")]
            continue
        if line_no <= skip or not line.strip():
            continue
        if not fields:
            raise FileError(
                "no field list: set the Zscaler NSS field list (in feed order) on the log "
                "source, or start the file with a '#' line naming the fields"
            )
        values = line.split("\t")
        if len(values) != len(fields):
            yield Rejection(
                line_no,
                f"{len(values)} tab-separated values where the field list names {len(fields)}",
                excerpt(line),
            )
            continue
        try:
            yield mapper.row(check, line_no, dict(zip(fields, values, strict=True)))
        except RowError as exc:
            yield Rejection(line_no, str(exc), excerpt(line))


def parse_csv(
    stream: BinaryIO, options: dict, *, skip: int = 0, now: float | None = None
) -> Iterator[Row | Rejection]:
    """CSV with a header line; options["columns"] maps fields to column names (without
    one, common names are recognised), options["delimiter"] defaults to ','."""
    delimiter = str(options.get("delimiter") or ",")[:1]
    mapping = {k: v for k, v in (options.get("columns") or {}).items() if v}
    mapper = Mapper(GENERIC, mapping)
    check = Validator(now)
    numbers: list[int] = []
    too_long: list[int] = []

    def lines() -> Iterator[str]:
        for line_no, raw in iter_lines(stream):
            if raw is None:
                too_long.append(line_no)
                continue
            numbers.append(line_no)
            yield decode(raw)

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FileError("the file is empty") from None
    except csv.Error as exc:
        raise FileError(f"line 1: not readable as CSV ({exc})") from None
    names = [name.strip().lower() for name in header]
    missing = [
        f"{field} -> {column!r}" for field, column in mapping.items() if column.lower() not in names
    ]
    if missing:
        raise FileError(
            "the column mapping names columns the file's header does not have ("
            + ", ".join(missing)
            + "); the header has: "
            + ", ".join(repr(h) for h in header[:30])
        )
    if not any(key in names for key in mapper.keys["ts"]):
        raise FileError(
            "no timestamp column: map the 'ts' field to one of the header's columns ("
            + ", ".join(repr(h) for h in header[:30])
            + ")"
        )
    if not any(key in names for key in mapper.keys["host"] + mapper.keys["url"]):
        raise FileError("no host or URL column: map 'host' or 'url' to a column of the header")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Rejection(numbers[-1] if numbers else 0, f"not readable as CSV ({exc})", "")
            continue
        while too_long:
            line_no = too_long.pop(0)
            if line_no > skip:
                yield Rejection(line_no, TOO_LONG, "")
        line_no = numbers[-1]
        if line_no <= skip or not values or values == [""]:
            continue
        if len(values) != len(names):
            yield Rejection(
                line_no,
                f"{len(values)} columns where the header has {len(names)}",
                excerpt(delimiter.join(values)),
            )
            continue
        try:
            yield mapper.row(check, line_no, dict(zip(names, values, strict=True)))
        except RowError as exc:
            yield Rejection(line_no, str(exc), excerpt(delimiter.join(values)))
    for line_no in too_long:
        if line_no > skip:
            yield Rejection(line_no, TOO_LONG, "")
