"""Squid native access.log:

    time elapsed client code/status bytes method URL user hierarchy/from type

e.g. `1700000000.123    12 10.0.0.5 TCP_TUNNEL/200 5120 CONNECT chatgpt.com:443 alice
HIER_DIRECT/104.18.32.47 -`. Without TLS inspection AI traffic is mostly CONNECT host:443,
so the host is often all there is. The user is the 8th field, '-' when there is none
(then the client address stands for the person). This is the hot path of the benchmark,
so the checks are written out inline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from shadow_ai.parsers.common import (
    TOO_LONG,
    Rejection,
    Row,
    RowError,
    Validator,
    excerpt,
    identity,
    iter_lines,
)


def parse_squid(
    stream: BinaryIO, options: dict, *, skip: int = 0, now: float | None = None
) -> Iterator[Row | Rejection]:
    check = Validator(now)
    min_ts, max_ts = 946684800.0, check.max_ts
    hosts = check.hosts
    normalise = check.host
    # A log repeats the same few thousand users and addresses: normalise each once.
    people: dict[tuple[str, str], tuple[str, str]] = {}
    for line_no, raw in iter_lines(stream):
        if line_no <= skip:
            continue
        if raw is None:
            yield Rejection(line_no, TOO_LONG, "")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        parts = line.split()
        if len(parts) < 8:
            if not parts:
                continue  # blank line
            yield Rejection(
                line_no,
                f"not a Squid access.log line: {len(parts)} fields, at least 8 expected",
                excerpt(line),
            )
            continue
        try:
            ts = float(parts[0])
        except ValueError:
            yield Rejection(line_no, "the first field is not a Unix timestamp", excerpt(line))
            continue
        if ts < min_ts or ts > max_ts:
            reason = "timestamp before 2000" if ts < min_ts else "timestamp in the future"
            yield Rejection(line_no, reason, excerpt(line))
            continue
        url = parts[6]
        if parts[5] == "CONNECT":
            host_raw, path = url, ""
        else:
            if "://" in url:
                url = url.split("://", 1)[1]
            slash = url.find("/")
            if slash == -1:
                host_raw, path = url, ""
            else:
                host_raw, path = url[:slash], url[slash:].split("?", 1)[0]
        host = hosts.get(host_raw)
        try:
            if host is None:
                host = normalise(host_raw)
            size = int(parts[4])
            key = (parts[7], parts[2])
            person = people.get(key)
            if person is None:
                user = parts[7]
                person = identity(user, None) if user != "-" else identity(None, parts[2])
                if len(people) < 100_000:
                    people[key] = person
            kind, who = person
        except (RowError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, RowError) else "the byte count is not a number"
            yield Rejection(line_no, reason, excerpt(line))
            continue
        code = parts[3]
        action = "blocked" if "DENIED" in code else "allowed"
        yield Row(line_no, ts, kind, who, host, path[:2000], size, action, "", None, None)
