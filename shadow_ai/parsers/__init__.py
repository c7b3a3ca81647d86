"""Streaming parsers, one per log format. Each takes a binary stream (gzip already
unwrapped by open_stream), the log source's options and the number of lines to skip
(resuming), and yields Row or Rejection objects in file order; a FileError means the file
as a whole cannot be read. Nothing is read whole into memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from shadow_ai.parsers.common import (
    MAX_LINE_BYTES,
    FileError,
    Rejection,
    Row,
    RowError,
    Validator,
    open_stream,
)
from shadow_ai.parsers.mapped import (
    parse_cloudflare,
    parse_csv,
    parse_jsonl,
    parse_zscaler_json,
    parse_zscaler_tsv,
)
from shadow_ai.parsers.squid import parse_squid
from shadow_ai.parsers.w3c import parse_w3c

Parser = Callable[..., Iterator[Row | Rejection]]

PARSERS: dict[str, Parser] = {
    "squid": parse_squid,
    "w3c": parse_w3c,
    "zscaler_json": parse_zscaler_json,
    "zscaler_tsv": parse_zscaler_tsv,
    "cloudflare": parse_cloudflare,
    "csv": parse_csv,
    "jsonl": parse_jsonl,
}


def parse(
    raw: BinaryIO,
    fmt: str,
    options: dict | None = None,
    *,
    skip: int = 0,
    now: float | None = None,
) -> Iterator[Row | Rejection]:
    """Rows and rejections of a (possibly gzipped) log file of format `fmt`."""
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise FileError(f"unknown log format {fmt!r}") from None
    return parser(open_stream(raw), options or {}, skip=skip, now=now)


__all__ = [
    "MAX_LINE_BYTES",
    "PARSERS",
    "FileError",
    "Rejection",
    "Row",
    "RowError",
    "Validator",
    "open_stream",
    "parse",
]
