"""Each parser on real-looking samples (as the products write them), gzip, Latin-1, the
per-file W3C header, and the normalised row every format comes out as."""

import gzip
import io
import json
import time

import pytest

from shadow_ai.parsers import FileError, Rejection, Row, parse
from shadow_ai.parsers.common import MAX_LINE_BYTES

NOW = time.time()
T = NOW - 3600  # an hour ago


def run(content: str | bytes, fmt: str, options: dict | None = None, **kwargs):
    data = content.encode() if isinstance(content, str) else content
    items = list(parse(io.BytesIO(data), fmt, options, **kwargs))
    return [i for i in items if type(i) is Row], [i for i in items if type(i) is Rejection]


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def test_squid_connect_tunnel_and_plain_requests():
    log = (
        f"{T:.3f}    120 10.0.0.5 TCP_TUNNEL/200 5120 CONNECT chatgpt.com:443 alice "
        "HIER_DIRECT/104.18.32.47 -\n"
        f"{T + 1:.3f}     45 10.0.0.6 TCP_MISS/200 900 POST "
        "https://api.openai.com/v1/chat/completions?key=secret - HIER_DIRECT/1.2.3.4 "
        "application/json\n"
        f"{T + 2:.3f}      3 10.0.0.7 TCP_DENIED/403 0 CONNECT claude.ai:443 "
        "bob@acme.example HIER_NONE/- -\n"
    )
    rows, rejected = run(log, "squid")
    assert not rejected
    a, b, c = rows
    assert (a.host, a.url_path, a.identity_kind, a.identity, a.bytes, a.action) == (
        "chatgpt.com",
        "",
        "username",
        "alice",
        5120,
        "allowed",
    )
    assert (b.host, b.url_path, b.identity_kind, b.identity) == (
        "api.openai.com",
        "/v1/chat/completions",
        "ip",
        "10.0.0.6",
    )  # no query string kept; '-' user: the client address
    assert (c.identity_kind, c.identity, c.action) == ("email", "bob@acme.example", "blocked")
    assert a.at.tzinfo is not None and abs(a.at.timestamp() - T) < 0.01


def test_gzip_is_detected_by_magic_bytes_not_by_name():
    log = f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT claude.ai:443 ann - -\n"
    rows, _ = run(gzip.compress(log.encode()), "squid")
    assert rows[0].host == "claude.ai"


def test_latin1_line_falls_back_per_line():
    log = (
        f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT claude.ai:443 jos\xe9 - -\n".encode("latin-1")
        + f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT claude.ai:443 zo\u00eb - -\n".encode()
    )
    rows, _ = run(log, "squid")
    assert [r.identity for r in rows] == ["jos\xe9", "zo\u00eb"]


PROXYSG = (
    "#Software: SGOS 7.3.10.1"
    "\n"
    "#Version: 1.0"
    "\n"
    "#Date: 2026-11-20 08:00:00"
    "\n"
    "#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-f"
    "ilter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-T"
    "ype) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension"
    " cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id"
    "\n"
    '{d} {t} 233 10.1.2.3 jdoe "ACME\\\\\\\\Sales" - OBSERVED "Technology/Internet;Artifi'
    'cial Intelligence" - 200 TCP_NC_MISS POST application/json https chat.openai.com'
    ' 443 /backend-api/conversation ?x=1 - "Mozilla/5.0 (Windows NT 10.0)" 10.0.0.1 5'
    "120 2048 -"
    "\n"
    '{d} {t} 12 10.1.2.4 - - policy_denied DENIED "Artificial Intelligence" - 403 TCP'
    '_DENIED CONNECT - tcp claude.ai 443 / - - "Mozilla/5.0" 10.0.0.1 0 0 -'
    "\n"
)


def test_w3c_proxysg_with_quoted_values():
    d, t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(T)).split()
    rows, rejected = run(PROXYSG.format(d=d, t=t), "w3c")
    assert not rejected
    a, b = rows
    assert (a.host, a.url_path, a.identity, a.bytes, a.action) == (
        "chat.openai.com",
        "/backend-api/conversation",
        "jdoe",
        7168,
        "allowed",
    )
    assert a.app == "Technology/Internet;Artificial Intelligence"
    assert (b.identity_kind, b.identity, b.action) == ("ip", "10.1.2.4", "blocked")
    assert a.ts == pytest.approx(int(T))


def test_w3c_netskope_field_order_and_a_second_header_in_the_same_file():
    d, t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(T)).split()
    log = (
        "#Fields: date time cs-username c-ip cs-host cs-uri x-cs-app x-cs-action sc-bytes\n"
        f"{d} {t} ann@acme.example 10.0.0.9 gemini.google.com /app Gemini allow 300\n"
        "#Fields: date time c-ip cs-host cs-username\n"
        f"{d} {t} 10.0.0.8 www.perplexity.ai bo@acme.example\n"
    )
    rows, rejected = run(log, "w3c")
    assert not rejected
    assert (rows[0].host, rows[0].app, rows[0].action, rows[0].identity) == (
        "gemini.google.com",
        "Gemini",
        "allowed",
        "ann@acme.example",
    )
    assert (rows[1].host, rows[1].identity) == ("www.perplexity.ai", "bo@acme.example")


def test_w3c_row_with_the_wrong_number_of_values_is_rejected():
    log = "#Fields: date time c-ip cs-host\n2026-01-01 00:00:00 10.0.0.1\n"
    _, rejected = run(log, "w3c")
    assert rejected[0].line_no == 2 and "values where the #Fields header names 4" in (
        rejected[0].reason
    )


def test_zscaler_nss_json_nested_event_and_default_datetime():
    when = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(T))
    record = {
        "sourcetype": "zscalernss-web",
        "event": {
            "datetime": when,
            "login": "ann@acme.example",
            "hostname": "claude.ai",
            "url": "claude.ai/api/organizations",
            "action": "Allowed",
            "requestsize": "900",
            "responsesize": "100",
            "appname": "Claude",
            "recordid": "7340000775606133039",
            "cip": "10.0.0.2",
        },
    }
    rows, rejected = run(json.dumps(record) + "\n", "zscaler_json")
    assert not rejected
    row = rows[0]
    assert (row.host, row.url_path, row.bytes, row.action, row.app, row.event_id) == (
        "claude.ai",
        "/api/organizations",
        1000,
        "allowed",
        "Claude",
        "7340000775606133039",
    )
    assert row.ts == pytest.approx(int(T))


def test_zscaler_tsv_uses_the_configured_field_list():
    fields = ["epochtime", "login", "hostname", "url", "action", "transactionsize", "appname"]
    line = "\t".join(
        [
            str(int(T)),
            "ann@acme.example",
            "chatgpt.com",
            "chatgpt.com/c/1",
            "Blocked",
            "512",
            "ChatGPT",
        ]
    )
    rows, rejected = run(line + "\n", "zscaler_tsv", {"fields": fields})
    assert not rejected
    assert (rows[0].host, rows[0].action, rows[0].bytes) == ("chatgpt.com", "blocked", 512)
    with pytest.raises(FileError, match="field list"):
        run(line + "\n", "zscaler_tsv", {})


def test_cloudflare_gateway_http():
    record = {
        "Datetime": iso(T),
        "Email": "ann@acme.example",
        "HTTPHost": "copilot.microsoft.com",
        "URL": "https://copilot.microsoft.com/c/api/chat?q=1",
        "Action": "block",
        "SourceIP": "198.51.100.4",
        "RequestID": "1a2b3c",
    }
    rows, _ = run(json.dumps(record), "cloudflare")
    row = rows[0]
    assert (row.host, row.url_path, row.action, row.identity, row.event_id) == (
        "copilot.microsoft.com",
        "/c/api/chat",
        "blocked",
        "ann@acme.example",
        "1a2b3c",
    )


def test_csv_with_a_column_mapping_and_a_delimiter():
    log = f"When;Who;Site;Bytes\n{iso(T)};ann@acme.example;claude.ai;77\n"
    options = {
        "columns": {"ts": "When", "user": "Who", "host": "Site", "bytes": "Bytes"},
        "delimiter": ";",
    }
    rows, rejected = run(log, "csv", options)
    assert not rejected and (rows[0].host, rows[0].bytes, rows[0].line_no) == ("claude.ai", 77, 2)


def test_json_lines_with_prompt_and_event_id():
    line = json.dumps(
        {
            "id": "e-1",
            "timestamp": iso(T),
            "email": "Ann@Acme.example",
            "host": "chatgpt.com",
            "prompt": "hello",
        }
    )
    rows, _ = run(line, "jsonl")
    assert (rows[0].identity, rows[0].prompt, rows[0].event_id) == (
        "ann@acme.example",
        "hello",
        "e-1",
    )


def test_resuming_skips_lines_but_still_reads_the_w3c_header():
    d, t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(T)).split()
    log = "#Fields: date time c-ip cs-host\n" + "".join(
        f"{d} {t} 10.0.0.{i} claude.ai\n" for i in range(1, 6)
    )
    rows, _ = run(log, "w3c", skip=3)
    assert [r.line_no for r in rows] == [4, 5, 6]


def test_a_long_line_is_rejected_without_being_held_whole():
    big = b"x" * (MAX_LINE_BYTES * 3) + b"\n"
    ok = f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT claude.ai:443 ann - -\n".encode()
    rows, rejected = run(big + ok, "squid")
    assert [r.line_no for r in rejected] == [1] and [r.line_no for r in rows] == [2]


def test_look_alike_and_invalid_hosts_are_kept_apart():
    log = (
        f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT openai.com.evil.example:443 a - -\n"
        f"{T:.3f} 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT bad_host!:443 a - -\n"
    )
    rows, rejected = run(log, "squid")
    assert rows[0].host == "openai.com.evil.example"  # a host; the matcher refuses it
    assert rejected[0].reason.startswith("not a host name")
