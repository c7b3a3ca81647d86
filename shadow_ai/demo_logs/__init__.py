"""Realistic demo gateway logs: about 90 days of a company's web traffic, in every format
the shadow-AI ingestion reads (pure Python, no Django).

    paths = write_demo_logs(directory, people=[DemoPerson(email, username, ip, department)])

writes one gzip file per format (see LOG_FILES: file name, parser format and the log-source
options each needs, such as the Zscaler field list and the CSV column mapping). The traffic
model is described in shadow_ai.demo_logs.traffic; prompt samples with planted personal data
in shadow_ai.demo_logs.prompts.

`write_squid_log` writes a large Squid file of catalogued hosts only, for the ingestion
benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shadow_ai.catalogue import load_catalogue
from shadow_ai.demo_logs.formats import (
    CSV_COLUMNS,
    CSV_HEADER,
    NETSKOPE_FIELDS,
    PROXYSG_FIELDS,
    ZSCALER_TSV_FIELDS,
    LineWriter,
    server_ip,
    write_cloudflare,
    write_csv,
    write_jsonl,
    write_netskope,
    write_proxysg,
    write_squid,
    write_zscaler_json,
    write_zscaler_tsv,
)
from shadow_ai.demo_logs.prompts import PromptSample, prompt_sample
from shadow_ai.demo_logs.sites import (
    AI_SITES,
    BACKGROUND_SITES,
    LOOKALIKE_SITES,
    PROHIBITED_SITES,
    UNKNOWN_AI_SITES,
)
from shadow_ai.demo_logs.traffic import (
    DemoPerson,
    TrafficModel,
    build_profiles,
    demo_people,
    department_group,
    unmatched_profiles,
)


@dataclass(frozen=True)
class DemoLogFile:
    """One demo file: its name, the parser format and log-source options it needs, and its
    share of the events."""

    filename: str
    format: str  # a key of shadow_ai.parsers.PARSERS
    label: str  # a human name for the log source
    share: float
    options: dict[str, Any] = field(default_factory=dict)


LOG_FILES: tuple[DemoLogFile, ...] = (
    DemoLogFile("squid-access.log.gz", "squid", "Squid proxy (HQ)", 0.40),
    DemoLogFile("proxysg-elff.log.gz", "w3c", "Symantec Edge SWG (ProxySG)", 0.16),
    DemoLogFile("netskope-w3c.log.gz", "w3c", "Netskope web transactions", 0.12),
    DemoLogFile("zscaler-nss-web.json.gz", "zscaler_json", "Zscaler NSS web feed (JSON)", 0.10),
    DemoLogFile(
        "zscaler-nss-web.tsv.gz",
        "zscaler_tsv",
        "Zscaler NSS web feed (TSV)",
        0.10,
        {"fields": list(ZSCALER_TSV_FIELDS)},
    ),
    DemoLogFile("cloudflare-gateway-http.json.gz", "cloudflare", "Cloudflare Gateway HTTP", 0.08),
    DemoLogFile(
        "swg-export.csv.gz", "csv", "Web gateway CSV export", 0.03, {"columns": CSV_COLUMNS}
    ),
    DemoLogFile("ai-gateway-prompts.jsonl.gz", "jsonl", "AI gateway (prompts)", 0.01),
)
LOG_FILES_BY_NAME = {f.filename: f for f in LOG_FILES}

DEFAULT_DAYS = 90
DEFAULT_EVENTS = 500_000
# Share of each file's identities that belong to no member (contractors, a kiosk).
UNMATCHED_COUNT = 6


def _end_of(end: date | None) -> date:
    # Yesterday by default: a log export covers whole days up to the last complete one.
    return end or (datetime.now(UTC).date() - timedelta(days=1))


def write_demo_logs(
    directory: Path,
    *,
    people: Sequence[DemoPerson],
    days: int = DEFAULT_DAYS,
    events: int = DEFAULT_EVENTS,
    seed: int = 7,
    end: date | None = None,
) -> list[Path]:
    """Write one demo log file per format into `directory`; returns their paths in
    LOG_FILES order. `events` is the total over all files (each gets its share);
    `end` is the last day covered (yesterday by default). Same arguments, same bytes."""
    if not people:
        raise ValueError("write_demo_logs needs at least one person")
    if days < 1 or events < 0:
        raise ValueError("days must be >= 1 and events >= 0")
    directory.mkdir(parents=True, exist_ok=True)
    last = _end_of(end)
    start_ts = (
        datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp() - (days - 1) * 86400
    )
    rnd = random.Random(seed)
    profiles = build_profiles(list(people), rnd) + unmatched_profiles(rnd, UNMATCHED_COUNT)
    counts = _split(events, [f.share for f in LOG_FILES])
    paths = []
    for spec, count in zip(LOG_FILES, counts, strict=True):
        # A generator per file, seeded from the file's name: files do not depend on each
        # other's sizes, and one file can be regenerated alone.
        file_rnd = random.Random(f"{seed}:{spec.filename}")
        model = TrafficModel(profiles, file_rnd)
        path = directory / spec.filename
        stream = model.events(count, days, last, ai_only=spec.format == "jsonl")
        if spec.format == "squid":
            write_squid(path, stream, file_rnd)
        elif spec.filename.startswith("proxysg"):
            write_proxysg(path, stream, file_rnd, start_ts)
        elif spec.filename.startswith("netskope"):
            write_netskope(path, stream, file_rnd, start_ts)
        elif spec.format == "zscaler_json":
            write_zscaler_json(path, stream, file_rnd)
        elif spec.format == "zscaler_tsv":
            write_zscaler_tsv(path, stream, file_rnd)
        elif spec.format == "cloudflare":
            write_cloudflare(path, stream, file_rnd)
        elif spec.format == "csv":
            write_csv(path, stream, file_rnd)
        else:
            write_jsonl(path, stream, file_rnd)
        paths.append(path)
    return paths


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Integer counts proportional to shares that add up to exactly `total`."""
    whole = sum(shares)
    counts = [int(total * s / whole) for s in shares]
    counts[0] += total - sum(counts)
    return counts


def benchmark_hosts() -> list[str]:
    """Hosts that all match the shipped catalogue: its domains (one region filled in for
    wildcards) and the subdomains the demo traffic uses."""
    hosts = {d.replace("*", "eu-west-1") for e in load_catalogue() for d in e.domains}
    for site in AI_SITES:
        hosts.update(h for h, _ in site.hosts)
    return sorted(hosts)


def write_squid_log(path: Path, n_lines: int, seed: int = 7, *, end: date | None = None) -> Path:
    """A Squid access.log of `n_lines` CONNECT tunnels to catalogued hosts only, over the 30
    days ending on `end`, from 2,000 users; gzip when the name ends in .gz. Built for speed
    (the ingestion benchmark writes 2 million lines): per line only a few random draws and
    one f-string."""
    rnd = random.Random(seed)
    hosts = benchmark_hosts()
    # Popularity follows a Zipf-like curve, as real traffic does: few hosts, most requests.
    weights = [1.0 / (rank + 1) for rank in range(len(hosts))]
    rnd.shuffle(hosts)
    table_size = 4096
    host_table = [
        f"CONNECT {h}:443" for h in rnd.choices(hosts, weights=weights, k=table_size)
    ]  # fmt: skip
    dest = {h: f"HIER_DIRECT/{server_ip(h)} -" for h in hosts}
    tails = [dest[line[8:-4]] for line in host_table]
    users = [
        (f"user{i:04d}", f"10.{40 + i // 250}.{i % 250 // 50}.{i % 50 + 2}") for i in range(2000)
    ]
    last = _end_of(end)
    end_ts = datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp() + 86400
    start_ts = end_ts - 30 * 86400
    step = (end_ts - start_ts) / max(1, n_lines)
    r = rnd.random
    with LineWriter(path) as out:
        write = out.write
        ts = start_ts
        for _ in range(n_lines):
            ts += step
            i = int(r() * table_size)
            name, ip = users[int(r() * 2000)]
            user = name if r() < 0.8 else "-"
            write(
                f"{ts:.3f} {int(r() * 60000) + 150:6d} {ip} TCP_TUNNEL/200 "
                f"{int(r() * 50000) + 200} {host_table[i]} {user} {tails[i]}"
            )
    return path


__all__ = [
    "AI_SITES",
    "BACKGROUND_SITES",
    "CSV_COLUMNS",
    "CSV_HEADER",
    "LOG_FILES",
    "LOG_FILES_BY_NAME",
    "LOOKALIKE_SITES",
    "NETSKOPE_FIELDS",
    "PROHIBITED_SITES",
    "PROXYSG_FIELDS",
    "UNKNOWN_AI_SITES",
    "ZSCALER_TSV_FIELDS",
    "DemoLogFile",
    "DemoPerson",
    "PromptSample",
    "benchmark_hosts",
    "demo_people",
    "department_group",
    "prompt_sample",
    "write_demo_logs",
    "write_squid_log",
]
