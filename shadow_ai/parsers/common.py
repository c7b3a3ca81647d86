"""What every parser shares: rows, rejections, file-level errors, reading lines from a
(possibly gzipped) binary stream with a length cap, and validating one normalised row.

Rows carry ts as float seconds since the epoch (UTC): cheaper than a datetime per line at
millions of lines, and what the COPY staging table takes. Row.at gives the aware datetime.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO, NamedTuple

from shadow_ai.matching import normalise_host

MAX_LINE_BYTES = 1024 * 1024  # a longer line is rejected as a row, never held whole
SNIFF_BYTES = 8192
MIN_TS = 946684800.0  # 2000-01-01T00:00:00Z
FUTURE_SLACK_S = 3600.0  # clocks of gateways drift; an hour ahead is still believed
EXCERPT_CHARS = 160


class Row(NamedTuple):
    line_no: int
    ts: float  # seconds since the epoch, UTC
    identity_kind: str  # "email" | "username" | "ip"
    identity: str
    host: str
    url_path: str
    bytes: int
    action: str  # "allowed" | "blocked" | "" (unknown)
    app: str
    prompt: str | None
    event_id: str | None  # the sender's id (API push, JSON formats), for idempotency

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.ts, UTC)


class Rejection(NamedTuple):
    line_no: int
    reason: str
    excerpt: str


class FileError(ValueError):
    """The file as a whole cannot be read (binary, corrupt gzip, wrong format, ...)."""


class RowError(ValueError):
    """One row is invalid; the message says why."""


def excerpt(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text[: EXCERPT_CHARS * 4].decode("utf-8", "replace")
    text = text.strip().replace("\x00", "")
    return text[:EXCERPT_CHARS] + ("..." if len(text) > EXCERPT_CHARS else "")


def decode(raw: bytes) -> str:
    """UTF-8, or Latin-1 for lines that are not UTF-8 (old proxies write Latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def open_stream(raw: BinaryIO) -> BinaryIO:
    """The file's content stream: gunzipped when it starts with the gzip magic bytes.
    Refuses binary files and other archive formats up front with a clear FileError."""
    head = raw.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(raw, "peek") else None
    if head is None:
        head = raw.read(SNIFF_BYTES)
        raw.seek(0)
    if not head:
        raise FileError("the file is empty")
    stream: BinaryIO = raw
    if head[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        try:
            head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
        except (OSError, EOFError, zlib.error) as exc:
            raise FileError(f"the gzip file is corrupt or truncated ({exc})") from exc
        if not head:
            raise FileError("the file is empty (an empty gzip archive)")
    elif head[:4] == b"PK\x03\x04":
        raise FileError("this is a ZIP archive; upload the log itself, or gzip it")
    elif head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00" or head[:4] == b"\x28\xb5\x2f\xfd":
        raise FileError("this archive format is not supported; gzip is")
    if b"\x00" in head:
        raise FileError(
            "this is a binary file, not a text log (it contains NUL bytes in its first "
            f"{len(head)} bytes)"
        )
    return stream


def iter_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, raw line without its end) for every line; None for a line longer than
    MAX_LINE_BYTES, which is skipped in pieces so that it is never held whole."""
    readline = stream.readline
    number = 0
    try:
        while True:
            line = readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:
                    rest = readline(MAX_LINE_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield number, None
                continue
            yield number, line.rstrip(b"\r\n")
    except EOFError as exc:
        raise FileError(
            f"the gzip file is truncated: it ends in the middle of the data after line {number}"
        ) from exc
    except (OSError, zlib.error) as exc:
        raise FileError(f"the gzip file is corrupt after line {number} ({exc})") from exc


TOO_LONG = f"line longer than {MAX_LINE_BYTES // 1024} KiB"


class Validator:
    """Turns extracted fields into a Row or raises RowError. Keeps a per-file host cache
    (normalising a host runs once per distinct host)."""

    def __init__(self, now: float | None = None) -> None:
        self.max_ts = (now if now is not None else time.time()) + FUTURE_SLACK_S
        self.hosts: dict[str, str | None] = {}

    def host(self, raw: str) -> str:
        if not raw or raw == "-":
            raise RowError("no host")
        try:
            return self.hosts[raw]  # type: ignore[return-value]
        except KeyError:
            pass
        norm = normalise_host(raw)
        self.hosts[raw] = norm
        if norm is None:
            raise RowError(f"not a host name: {raw[:80]!r}")
        return norm

    def check_ts(self, ts: float) -> float:
        if ts < MIN_TS:
            raise RowError("timestamp before 2000")
        if ts > self.max_ts:
            raise RowError("timestamp in the future")
        return ts

    def row(
        self,
        line_no: int,
        *,
        ts: float,
        user: str | None,
        ip: str | None,
        host: str,
        url_path: str = "",
        size: int = 0,
        action: str = "",
        app: str = "",
        prompt: str | None = None,
        event_id: str | None = None,
    ) -> Row:
        self.check_ts(ts)
        host = self.host(host)
        kind, value = identity(user, ip)
        if size < 0:
            raise RowError("negative byte count")
        return Row(
            line_no,
            ts,
            kind,
            value,
            host,
            url_path[:2000],
            size,
            action,
            app[:200],
            prompt,
            event_id,
        )


def identity(user: str | None, ip: str | None) -> tuple[str, str]:
    if user and user != "-":
        user = user.strip().strip('"')
        if user and user != "-":
            if "@" in user:
                return "email", user.lower()[:320]
            return "username", user.lower()[:320]
    if ip and ip != "-":
        return "ip", ip.strip()[:64]
    raise RowError("no user and no client address")


ALLOW_WORDS = {
    "allow",
    "allowed",
    "observed",
    "proxied",
    "pass",
    "permitted",
    "tcp_tunnel",
    "accept",
}
BLOCK_WORDS = {"block", "blocked", "deny", "denied", "drop", "tcp_denied", "reject", "isolate"}


def action_of(raw: str) -> str:
    """'allowed', 'blocked' or '' from the many spellings gateways use."""
    word = raw.strip().strip('"').lower()
    if not word or word == "-":
        return ""
    if word in ALLOW_WORDS:
        return "allowed"
    if word in BLOCK_WORDS or "denied" in word or "block" in word:
        return "blocked"
    return "allowed" if ("allow" in word or "pass" in word) else word[:40]


def parse_ts(value: object) -> float:
    """Seconds since the epoch from a number (s, ms, us or ns) or an ISO 8601 string
    (naive means UTC)."""
    if isinstance(value, bool) or value is None or value == "":
        raise RowError("no timestamp")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            try:
                when = datetime.fromisoformat(
                    text.replace(" ", "T", 1) if "T" not in text else text
                )
            except ValueError:
                raise RowError(f"unreadable timestamp {text[:40]!r}") from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return when.timestamp()
    if number > 1e17:
        return number / 1e9
    if number > 1e14:
        return number / 1e6
    if number > 1e11:
        return number / 1e3
    return number


def split_url(url: str) -> tuple[str, str]:
    """(host[:port], path without query) from a URL, 'host/path' or 'host:443'."""
    if "://" in url:
        url = url.split("://", 1)[1]
    slash = url.find("/")
    if slash == -1:
        host, path = url, ""
    else:
        host, path = url[:slash], url[slash:]
    query = path.find("?")
    if query != -1:
        path = path[:query]  # query strings carry personal data; never stored
    return host, path


def to_int(value: object) -> int:
    if value is None or value == "" or value == "-":
        return 0
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        try:
            return int(float(value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise RowError(f"not a byte count: {str(value)[:30]!r}") from None
