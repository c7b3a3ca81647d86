"""One writer per gateway format, shaped like the products' own exports.

Writers take a stream of traffic Events and write gzip (level 1: the files are large and
written often; size matters less than speed) with plain string formatting, buffered in
chunks. Each returns the number of data lines written.
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from shadow_ai.demo_logs.prompts import prompt_sample
from shadow_ai.demo_logs.sites import USER_AGENTS
from shadow_ai.demo_logs.traffic import Event

CHUNK = 20_000


class LineWriter:
    """Buffered line output to a gzip (".gz") or plain file."""

    def __init__(self, path: Path) -> None:
        # Closed by close() / __exit__: the writer is itself the context manager.
        self._file: IO[bytes] = (
            gzip.open(path, "wb", compresslevel=1)  # noqa: SIM115
            if path.suffix == ".gz"
            else path.open("wb")
        )
        self._buffer: list[str] = []
        self.lines = 0

    def header(self, line: str) -> None:
        self._buffer.append(line)

    def write(self, line: str) -> None:
        self._buffer.append(line)
        self.lines += 1
        if len(self._buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._file.write("\n".join(self._buffer).encode("utf-8") + b"\n")
            self._buffer.clear()

    def close(self) -> None:
        self.flush()
        self._file.close()

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def server_ip(host: str) -> str:
    """A stable, plausible public address per host (CDN ranges), without DNS."""
    h = zlib.crc32(host.encode())
    prefix = ("104.18", "172.64", "13.107", "20.190", "142.250", "151.101")[h % 6]
    return f"{prefix}.{(h >> 8) & 0xFF}.{(h >> 16) & 0xFF or 1}"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_time(ts: float) -> tuple[str, str]:
    stamp = datetime.fromtimestamp(ts, UTC)
    return stamp.strftime("%Y-%m-%d"), stamp.strftime("%H:%M:%S")


# --- Squid native access.log ----------------------------------------------------------------


def write_squid(path: Path, events: Iterable[Event], rnd: random.Random) -> int:
    """`%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt` (Squid's native
    format). No TLS inspection: HTTPS is a CONNECT host:443 tunnel, the host all there is.
    The user (8th field) is set where proxy authentication ran, '-' otherwise."""
    with LineWriter(path) as out:
        for e in events:
            user = e.person.username if rnd.random() < 0.7 else "-"
            if e.blocked:
                out.write(
                    f"{e.ts:.3f} {rnd.randint(0, 5):6d} {e.person.ip} TCP_DENIED/403 "
                    f"{rnd.randint(3600, 4200)} CONNECT {e.host}:443 {user} HIER_NONE/- text/html"
                )
            elif e.site.kind == "background" and rnd.random() < 0.05:
                # A little plain HTTP still exists (updates, old intranet links).
                out.write(
                    f"{e.ts:.3f} {rnd.randint(20, 900):6d} {e.person.ip} TCP_MISS/200 "
                    f"{e.bytes_in} GET http://{e.host}{e.path} {user} "
                    f"HIER_DIRECT/{server_ip(e.host)} text/html"
                )
            else:
                out.write(
                    f"{e.ts:.3f} {rnd.randint(150, 180_000):6d} {e.person.ip} TCP_TUNNEL/200 "
                    f"{e.bytes_in + e.bytes_out} CONNECT {e.host}:443 {user} "
                    f"HIER_DIRECT/{server_ip(e.host)} -"
                )
        return out.lines


# --- W3C ELFF: Symantec ProxySG / Edge SWG ---------------------------------------------------

PROXYSG_FIELDS = (
    "date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result "
    "cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme "
    "cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip "
    "sc-bytes cs-bytes x-virus-id"
)
PROXYSG_CATEGORIES = {
    "Generative AI": "AI ML Apps",
    "Phishing": "Phishing;Suspicious",
    "Technology/Internet": "Technology/Internet",
}


def write_proxysg(path: Path, events: Iterable[Event], rnd: random.Random, start: float) -> int:
    """ELFF as ProxySG's bcreportermain_v1 format writes it: a #Fields header, values
    separated by spaces, strings with spaces in double quotes, '-' for no value. SSL
    interception is on for most categories, so paths are visible; a few stay tunnelled."""
    with LineWriter(path) as out:
        day, clock = _date_time(start)
        out.header("#Software: SGOS 7.3.16.1")
        out.header("#Version: 1.0")
        out.header(f"#Start-Date: {day} {clock}")
        out.header(f"#Date: {day} {clock}")
        out.header(f"#Fields: {PROXYSG_FIELDS}")
        for e in events:
            day, clock = _date_time(e.ts)
            user = e.person.username if rnd.random() < 0.92 else "-"
            group = '"ACME\\Domain Users"' if user != "-" else "-"
            category = PROXYSG_CATEGORIES.get(e.site.category, e.site.category)
            ua = rnd.choice(USER_AGENTS)
            if e.blocked:
                out.write(
                    f"{day} {clock} {rnd.randint(1, 40)} {e.person.ip} {user} {group} "
                    f'policy_denied DENIED "{category}" - 403 TCP_DENIED {e.method} text/html '
                    f'https {e.host} 443 {e.path} - - "{ua}" 10.0.0.10 {rnd.randint(3000, 4500)} '
                    f"{e.bytes_out} -"
                )
            elif rnd.random() < 0.12:
                out.write(
                    f"{day} {clock} {rnd.randint(500, 90_000)} {e.person.ip} {user} {group} - "
                    f'OBSERVED "{category}" - 200 TCP_TUNNELED CONNECT - tcp {e.host} 443 / - - '
                    f'"{ua}" 10.0.0.10 {e.bytes_in} {e.bytes_out} -'
                )
            else:
                ctype = "application/json" if e.method == "POST" else "text/html;%20charset=utf-8"
                out.write(
                    f"{day} {clock} {rnd.randint(20, 4000)} {e.person.ip} {user} {group} - "
                    f'OBSERVED "{category}" - 200 TCP_NC_MISS {e.method} {ctype} https {e.host} '
                    f'443 {e.path} - - "{ua}" 10.0.0.10 {e.bytes_in} {e.bytes_out} -'
                )
        return out.lines


# --- W3C: Netskope web transactions ---------------------------------------------------------

NETSKOPE_FIELDS = (
    "date time time-taken c-ip cs-username cs-method cs-uri-scheme cs-host cs-uri-port "
    "cs-uri-path cs-uri-query sc-status cs-bytes sc-bytes cs(User-Agent) x-cs-app "
    "x-cs-app-category x-cs-app-activity x-cs-app-cci x-cs-app-ccl x-category "
    "x-policy-action x-transaction-id"
)


def _cci(app: str) -> tuple[str, str]:
    """Netskope's Cloud Confidence Index and level for an app (stable per app)."""
    if app == "-":
        return "-", "-"
    score = 35 + zlib.crc32(app.encode()) % 60
    level = (
        "low" if score < 50 else "medium" if score < 70 else "high" if score < 85 else "excellent"
    )
    return str(score), level


def write_netskope(path: Path, events: Iterable[Event], rnd: random.Random, start: float) -> int:
    """Netskope transaction logs in W3C form: the user is the email, the app Netskope
    recognised is in x-cs-app ('-' for hosts it does not know)."""
    with LineWriter(path) as out:
        day, clock = _date_time(start)
        out.header("#Software: Netskope Web Transactions")
        out.header("#Version: 1.0")
        out.header(f"#Date: {day} {clock}")
        out.header(f"#Fields: {NETSKOPE_FIELDS}")
        transaction = 3_100_000_000_000 + rnd.randint(0, 10**9)
        for e in events:
            day, clock = _date_time(e.ts)
            app = e.site.app
            cci, ccl = _cci(app)
            app_field = f'"{app}"' if " " in app else app
            activity = "Post" if e.method == "POST" else "Browse"
            action = "block" if e.blocked else "allow"
            status = 403 if e.blocked else 200
            transaction += rnd.randint(1, 50)
            out.write(
                f"{day} {clock} {rnd.randint(15, 5000)} {e.person.ip} {e.person.email} "
                f"{e.method} https {e.host} 443 {e.path} - {status} {e.bytes_out} {e.bytes_in} "
                f'"{rnd.choice(USER_AGENTS)}" {app_field} "{e.site.category}" {activity} {cci} '
                f'{ccl} "{e.site.category}" {action} {transaction}'
            )
        return out.lines


# --- Zscaler NSS web logs (JSON and tab-separated) ------------------------------------------

# The NSS feed's field list, in feed order, for the tab-separated file. The JSON feed uses
# the same names as keys (Zscaler's Splunk-style output nests them under "event").
ZSCALER_TSV_FIELDS = (
    "datetime", "recordid", "login", "proto", "url", "hostname", "action", "appname",
    "appclass", "reqmethod", "respcode", "requestsize", "responsesize", "transactionsize",
    "urlcategory", "urlsupercategory", "cip", "sip", "ua", "location", "dept",
)  # fmt: skip
NSS_DATETIME = "%a %b %d %H:%M:%S %Y"  # Zscaler's default %s{time}: Mon Jun 20 15:29:11 2022
ZSCALER_CATEGORIES = {
    "Generative AI": ("Generative AI", "Internet Communication", "AI & ML Applications"),
    "Phishing": ("Phishing", "Security", "General Browsing"),
    "News": ("News and Media", "News and Media", "General Browsing"),
}


def _zscaler_record(e: Event, rnd: random.Random, record_id: int) -> dict[str, str]:
    category, super_category, app_class = ZSCALER_CATEGORIES.get(
        e.site.category, ("Professional Services", "Business and Economy", "Business")
    )
    request_size = e.bytes_out + 400
    response_size = e.bytes_in + 300
    return {
        "datetime": datetime.fromtimestamp(e.ts, UTC).strftime(NSS_DATETIME),
        "recordid": str(record_id),
        "login": e.person.email,
        "proto": "HTTPS",
        "url": f"{e.host}{e.path}",
        "hostname": e.host,
        "action": "Blocked" if e.blocked else "Allowed",
        "appname": e.site.app if e.site.app != "-" else "General Browsing",
        "appclass": app_class,
        "reqmethod": e.method,
        "respcode": "403" if e.blocked else "200",
        "requestsize": str(request_size),
        "responsesize": str(response_size),
        "transactionsize": str(request_size + response_size),
        "urlcategory": category,
        "urlsupercategory": super_category,
        "cip": e.person.ip,
        "sip": server_ip(e.host),
        "ua": rnd.choice(USER_AGENTS),
        "location": "Acme-HQ-GRE" if rnd.random() < 0.8 else "Road Warrior",
        "dept": e.person.department or "Unknown",
    }


def write_zscaler_json(path: Path, events: Iterable[Event], rnd: random.Random) -> int:
    """NSS web feed in JSON, as configured for Splunk: one object per line,
    {"sourcetype": "zscalernss-web", "event": {...}} with string values."""
    with LineWriter(path) as out:
        record_id = 7_340_000_000_000_000_000 + rnd.randint(0, 10**12)
        for e in events:
            record_id += rnd.randint(1, 9)
            record = _zscaler_record(e, rnd, record_id)
            out.write(json.dumps({"sourcetype": "zscalernss-web", "event": record}))
        return out.lines


def write_zscaler_tsv(path: Path, events: Iterable[Event], rnd: random.Random) -> int:
    """NSS web feed, tab-separated, no header: the field list (ZSCALER_TSV_FIELDS) is part
    of the feed's configuration and must be set on the log source."""
    with LineWriter(path) as out:
        record_id = 7_350_000_000_000_000_000 + rnd.randint(0, 10**12)
        for e in events:
            record_id += rnd.randint(1, 9)
            record = _zscaler_record(e, rnd, record_id)
            out.write("\t".join(record[name] for name in ZSCALER_TSV_FIELDS))
        return out.lines


# --- Cloudflare Gateway HTTP (Logpush gateway_http dataset) ---------------------------------


def write_cloudflare(path: Path, events: Iterable[Event], rnd: random.Random) -> int:
    """Logpush `gateway_http` records, one JSON object per line, RFC 3339 Datetime."""
    account = "4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
    with LineWriter(path) as out:
        for e in events:
            action = "block" if e.blocked else "allow"
            record = {
                "AccountID": account,
                "Action": action,
                "Datetime": iso(e.ts),
                "DestinationIP": server_ip(e.host),
                "DestinationPort": 443,
                "DeviceID": f"{zlib.crc32(e.person.email.encode()):08x}-cf-device",
                "DeviceName": f"ACME-{e.person.username.upper()[:12]}",
                "Email": e.person.email,
                "HTTPHost": e.host,
                "HTTPMethod": e.method,
                "HTTPStatusCode": 403 if e.blocked else 200,
                "HTTPVersion": "HTTP/2",
                "PolicyID": "7e1a4c1e-policy-block-phishing" if e.blocked else "",
                "PolicyName": "Block phishing" if e.blocked else "",
                "Referer": "",
                "RequestID": f"{rnd.getrandbits(80):020x}",
                "SourceIP": e.person.ip,
                "SourceInternalIP": e.person.ip,
                "URL": f"https://{e.host}{e.path}",
                "UserAgent": rnd.choice(USER_AGENTS),
                "UserID": f"{zlib.crc32(e.person.username.encode()):08x}-user",
            }
            out.write(json.dumps(record))
        return out.lines


# --- CSV export with its own column names ---------------------------------------------------

CSV_HEADER = (
    "timestamp,user_email,source_ip,destination_host,url,bytes_out,bytes_in,action,category"
)
# The column mapping to save on the CSV log source: normalised field -> CSV column.
CSV_COLUMNS = {
    "ts": "timestamp",
    "user": "user_email",
    "ip": "source_ip",
    "host": "destination_host",
    "url": "url",
    "sent": "bytes_out",
    "received": "bytes_in",
    "action": "action",
}


def write_csv(path: Path, events: Iterable[Event], rnd: random.Random) -> int:
    """A generic secure-web-gateway CSV export: header line, ISO-like local timestamps."""
    with LineWriter(path) as out:
        out.header(CSV_HEADER)
        for e in events:
            stamp = datetime.fromtimestamp(e.ts, UTC).strftime("%Y-%m-%d %H:%M:%S")
            action = "blocked" if e.blocked else "allowed"
            out.write(
                f"{stamp},{e.person.email},{e.person.ip},{e.host},https://{e.host}{e.path},"
                f"{e.bytes_out},{e.bytes_in},{action},{e.site.category}"
            )
        return out.lines


# --- JSON Lines from an AI gateway / browser extension, with prompts ------------------------


def write_jsonl(
    path: Path,
    events: Iterable[Event],
    rnd: random.Random,
    on_prompt: Callable[[str, dict[str, int]], None] | None = None,
) -> int:
    """One JSON object per line as an AI-aware gateway exports it: only AI traffic, and the
    prompt text for requests that submit one."""
    with LineWriter(path) as out:
        for i, e in enumerate(events):
            record: dict[str, object] = {
                "id": f"evt_{int(e.ts)}_{i:07d}",
                "timestamp": iso(e.ts),
                "user": e.person.email,
                "client_ip": e.person.ip,
                "host": e.host,
                "url": f"https://{e.host}{e.path}",
                "method": e.method,
                "action": "blocked" if e.blocked else "allowed",
                "bytes_out": e.bytes_out,
                "bytes_in": e.bytes_in,
                "app": e.site.app,
            }
            if e.method == "POST" and not e.blocked and e.site.kind != "lookalike":
                sample = prompt_sample(rnd, e.person.group)
                record["prompt"] = sample.text
                if on_prompt is not None:
                    on_prompt(sample.text, sample.planted)
            out.write(json.dumps(record, ensure_ascii=False))
        return out.lines
