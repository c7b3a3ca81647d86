"""The demo log generator: every file is well-formed for its format, and the traffic has the
shape the demo needs (catalogued, unknown, look-alike and prohibited hosts, departments,
office hours). Parsing proper is tested with the parsers; these are format sanity checks."""

import csv
import gzip
import hashlib
import io
import json
import random
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shadow_ai.catalogue import VENDOR_APEXES, load_catalogue
from shadow_ai.demo_logs import (
    CSV_COLUMNS,
    CSV_HEADER,
    DEFAULT_EVENTS,
    LOG_FILES,
    LOOKALIKE_SITES,
    PROHIBITED_SITES,
    UNKNOWN_AI_SITES,
    ZSCALER_TSV_FIELDS,
    DemoPerson,
    _split,
    demo_people,
    department_group,
    prompt_sample,
    write_demo_logs,
    write_squid_log,
)
from shadow_ai.matching import HostMatcher
from shadow_ai.scrub import scrub

END = date(2026, 11, 20)  # a Friday
DAYS = 28
EVENTS = 30_000
START_TS = datetime(2026, 10, 24, tzinfo=UTC).timestamp()
END_TS = datetime(2026, 11, 21, tzinfo=UTC).timestamp()
W3C_TOKEN = re.compile(r'"[^"]*"|\S+')


@pytest.fixture(scope="module")
def people() -> list[DemoPerson]:
    return demo_people(80, seed=3)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, people: list[DemoPerson]) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("demo")
    paths = write_demo_logs(directory, people=people, days=DAYS, events=EVENTS, seed=11, end=END)
    assert [p.name for p in paths] == [f.filename for f in LOG_FILES]
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def matcher() -> HostMatcher:
    # As ingestion matches: the patterns, then the vendors' bare apexes (openai.com).
    return HostMatcher(((e.key, e.domains) for e in load_catalogue()), VENDOR_APEXES)


def lines(path: Path) -> list[str]:
    # gzip.open raises on a truncated or corrupt member: reading to the end checks validity.
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def data_lines(path: Path) -> list[str]:
    return [line for line in lines(path) if not line.startswith("#")]


def test_every_file_is_complete_gzip_and_events_add_up(files: dict[str, Path]) -> None:
    total = 0
    for spec in LOG_FILES:
        path = files[spec.filename]
        assert path.read_bytes()[:2] == b"\x1f\x8b", spec.filename
        count = len(data_lines(path)) - (1 if spec.format == "csv" else 0)
        assert count > 0, spec.filename
        total += count
    assert total == EVENTS


def test_default_size_is_at_least_half_a_million_events() -> None:
    counts = _split(DEFAULT_EVENTS, [f.share for f in LOG_FILES])
    assert DEFAULT_EVENTS >= 500_000
    assert sum(counts) == DEFAULT_EVENTS and min(counts) > 0


def squid_fields(files: dict[str, Path]) -> list[list[str]]:
    return [line.split() for line in lines(files["squid-access.log.gz"])]


def test_squid_native_format(files: dict[str, Path], people: list[DemoPerson]) -> None:
    rows = squid_fields(files)
    usernames = {p.username for p in people}
    methods = Counter(r[5] for r in rows)
    assert all(len(r) == 10 for r in rows)
    assert methods["CONNECT"] / len(rows) > 0.9  # no TLS inspection: mostly tunnels
    assert Counter(r[3] for r in rows).most_common(1)[0][0] == "TCP_TUNNEL/200"
    timestamps = [float(r[0]) for r in rows]
    assert timestamps == sorted(timestamps)
    assert timestamps[0] >= START_TS and timestamps[-1] < END_TS
    assert all(re.fullmatch(r"\d{10}\.\d{3}", r[0]) for r in rows)
    for r in rows:
        if r[5] == "CONNECT":
            assert r[6].endswith(":443")
        else:
            assert r[6].startswith("http://")
        # The 8th field: a user name, '-' without proxy authentication, or an unknown account.
        assert r[7] == "-" or r[7] in usernames or r[7].startswith("ext-contractor")
    users = Counter(r[7] == "-" for r in rows)
    assert 0.2 < users[True] / len(rows) < 0.4
    assert any(r[3] == "TCP_DENIED/403" for r in rows)


@pytest.mark.parametrize(
    ("filename", "software", "required"),
    [
        (
            "proxysg-elff.log.gz",
            "SGOS",
            {"cs-username", "cs-host", "cs-uri-path", "sc-bytes", "cs-categories", "date", "time"},
        ),
        ("netskope-w3c.log.gz", "Netskope", {"cs-username", "cs-host", "x-cs-app", "date"}),
    ],
)
def test_w3c_files_have_a_fields_header_and_matching_rows(
    files: dict[str, Path], filename: str, software: str, required: set[str]
) -> None:
    all_lines = lines(files[filename])
    headers = [line for line in all_lines if line.startswith("#")]
    assert headers[0].startswith("#Software:") and software in headers[0]
    assert "#Version: 1.0" in headers
    fields_line = next(line for line in headers if line.startswith("#Fields: "))
    fields = fields_line.split()[1:]
    assert required <= set(fields)
    rows = data_lines(files[filename])
    host_at, user_at, date_at = fields.index("cs-host"), fields.index("cs-username"), 0
    for line in rows:
        values = W3C_TOKEN.findall(line)
        assert len(values) == len(fields), line
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", values[date_at])
        assert "." in values[host_at]
        assert values[user_at] == "-" or re.fullmatch(r"[\w.@+-]+", values[user_at])


def test_netskope_names_recognised_apps_and_leaves_unknown_hosts_unnamed(
    files: dict[str, Path],
) -> None:
    rows = [W3C_TOKEN.findall(line) for line in data_lines(files["netskope-w3c.log.gz"])]
    header = next(x for x in lines(files["netskope-w3c.log.gz"]) if x.startswith("#Fields"))
    fields = header.split()[1:]
    app_at, host_at = fields.index("x-cs-app"), fields.index("cs-host")
    apps = {r[host_at]: r[app_at].strip('"') for r in rows}
    assert apps.get("chatgpt.com") == "ChatGPT"
    unknown_hosts = {h for s in UNKNOWN_AI_SITES for h, _ in s.hosts}
    assert all(apps[h] == "-" for h in apps if h in unknown_hosts)


def test_zscaler_json_and_tsv(files: dict[str, Path]) -> None:
    json_rows = data_lines(files["zscaler-nss-web.json.gz"])
    for line in json_rows:
        record = json.loads(line)
        assert record["sourcetype"] == "zscalernss-web"
        event = record["event"]
        assert set(event) == set(ZSCALER_TSV_FIELDS)
        assert all(isinstance(v, str) for v in event.values())
        datetime.strptime(event["datetime"], "%a %b %d %H:%M:%S %Y")
        assert event["action"] in {"Allowed", "Blocked"}
    tsv_rows = data_lines(files["zscaler-nss-web.tsv.gz"])
    assert not lines(files["zscaler-nss-web.tsv.gz"])[0].startswith("#")  # no header in NSS
    for line in tsv_rows:
        values = line.split("\t")
        assert len(values) == len(ZSCALER_TSV_FIELDS)
        record = dict(zip(ZSCALER_TSV_FIELDS, values, strict=True))
        assert record["url"].startswith(record["hostname"])
    ids = [json.loads(line)["event"]["recordid"] for line in json_rows]
    assert len(set(ids)) == len(ids)  # unique record ids: re-uploads can be recognised
    spec = next(f for f in LOG_FILES if f.format == "zscaler_tsv")
    assert spec.options == {"fields": list(ZSCALER_TSV_FIELDS)}


def test_cloudflare_gateway_http(files: dict[str, Path]) -> None:
    rows = [json.loads(line) for line in data_lines(files["cloudflare-gateway-http.json.gz"])]
    for record in rows:
        assert {"Datetime", "Email", "HTTPHost", "URL", "Action", "RequestID"} <= set(record)
        assert record["Action"] in {"allow", "block"}
        assert record["URL"].startswith(f"https://{record['HTTPHost']}/")
        datetime.strptime(record["Datetime"], "%Y-%m-%dT%H:%M:%SZ")
    assert len({r["RequestID"] for r in rows}) == len(rows)


def test_csv_export_and_its_column_mapping(files: dict[str, Path]) -> None:
    text = "\n".join(lines(files["swg-export.csv.gz"]))
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert ",".join(header) == CSV_HEADER
    assert set(CSV_COLUMNS.values()) <= set(header)
    rows = list(reader)
    assert rows and all(len(r) == len(header) for r in rows)
    spec = next(f for f in LOG_FILES if f.format == "csv")
    assert spec.options == {"columns": CSV_COLUMNS}


def test_jsonl_carries_prompts_with_planted_personal_data(files: dict[str, Path]) -> None:
    rows = [json.loads(line) for line in data_lines(files["ai-gateway-prompts.jsonl.gz"])]
    prompts = [r["prompt"] for r in rows if "prompt" in r]
    assert len(prompts) > len(rows) / 4
    assert len({r["id"] for r in rows}) == len(rows)
    found = Counter()
    for prompt in prompts:
        found.update(scrub(prompt).counts)
    for kind in ("email", "phone", "card", "iban", "secret"):
        assert found[kind] > 0, kind


def test_prompt_samples_plant_exactly_what_the_scrubber_finds() -> None:
    rnd = random.Random(5)
    planted_total = 0
    for i in range(600):
        sample = prompt_sample(rnd, ["engineering", "sales", "support"][i % 3])
        result = scrub(sample.text)
        assert result.counts == sample.planted, sample.text
        for value in sample.look_alikes:
            assert value in result.text  # failed checksums are kept
        planted_total += sum(sample.planted.values())
    assert planted_total > 100


def all_hosts(files: dict[str, Path]) -> Counter:
    hosts: Counter = Counter()
    for r in squid_fields(files):
        hosts[r[6].split("://")[-1].split("/")[0].split(":")[0]] += 1
    return hosts


def test_traffic_mixes_catalogued_unknown_lookalike_prohibited_and_background(
    files: dict[str, Path], matcher: HostMatcher
) -> None:
    hosts = all_hosts(files)
    total = sum(hosts.values())
    matched = Counter()
    for host, n in hosts.items():
        key = matcher.match(host)
        if key:
            matched[key] += n
    assert len(matched) >= 15  # many catalogued tools
    assert matched.most_common(1)[0][0] == "chatgpt"  # the most popular, as in reality
    for key in ("github-copilot", "claude", "gemini", "grammarly", "otter", "deepl"):
        assert matched[key] > 0, key
    for site in PROHIBITED_SITES:
        assert matched[site.key] > 0, site.key
    unknown = {h for s in UNKNOWN_AI_SITES for h, _ in s.hosts}
    assert sum(hosts[h] for h in unknown) > 0
    assert all(matcher.match(h) is None for h in unknown)  # the classifier's job
    lookalikes = {h for h, _ in LOOKALIKE_SITES[0].hosts}
    assert sum(hosts[h] for h in lookalikes) > 0
    assert all(matcher.match(h) is None for h in lookalikes)
    background = total - sum(matched.values()) - sum(hosts[h] for h in unknown | lookalikes)
    # The background includes catalogue-free hosts only; some AI hosts (m365) are AI.
    assert 0.5 < background / total < 0.7


def test_usage_depends_on_the_department(
    files: dict[str, Path], people: list[DemoPerson], matcher: HostMatcher
) -> None:
    group_of = {p.username: department_group(p.department) for p in people}
    by_tool: dict[str, Counter] = {"github-copilot": Counter(), "gong": Counter()}
    for r in squid_fields(files):
        key = matcher.match(r[6])
        if key in by_tool and r[7] in group_of:
            by_tool[key][group_of[r[7]]] += 1
    assert by_tool["github-copilot"].most_common(1)[0][0] == "engineering"
    assert by_tool["github-copilot"]["sales"] == 0
    assert by_tool["gong"].most_common(1)[0][0] == "sales"


def test_office_hours_and_weekends(files: dict[str, Path]) -> None:
    stamps = [datetime.fromtimestamp(float(r[0]), UTC) for r in squid_fields(files)]
    weekday = [s for s in stamps if s.weekday() < 5]
    weekend = [s for s in stamps if s.weekday() >= 5]
    weekday_days = len({s.date() for s in weekday})
    weekend_days = len({s.date() for s in weekend})
    assert len(weekday) / weekday_days > 5 * len(weekend) / weekend_days
    office = sum(1 for s in weekday if 7 <= s.hour < 19)
    assert office / len(weekday) > 0.85


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    people = demo_people(20)

    def digest(directory: Path, seed: int) -> str:
        paths = write_demo_logs(directory, people=people, days=7, events=3000, seed=seed, end=END)
        sha = hashlib.sha256()
        for path in paths:
            with gzip.open(path, "rb") as handle:
                sha.update(handle.read())
        return sha.hexdigest()

    assert digest(tmp_path / "a", 1) == digest(tmp_path / "b", 1)
    assert digest(tmp_path / "a", 1) != digest(tmp_path / "c", 2)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one person"):
        write_demo_logs(tmp_path, people=[])
    with pytest.raises(ValueError, match="days"):
        write_demo_logs(tmp_path, people=demo_people(2), days=0)


@pytest.mark.parametrize("name", ["bench.log.gz", "bench.log"])
def test_write_squid_log_for_the_benchmark(tmp_path: Path, matcher: HostMatcher, name: str) -> None:
    path = write_squid_log(tmp_path / name, 20_000, seed=3, end=END)
    if name.endswith(".gz"):
        rows = [line.split() for line in lines(path)]
    else:
        rows = [line.split() for line in path.read_text().splitlines()]
    assert len(rows) == 20_000
    assert all(len(r) == 10 and r[5] == "CONNECT" and r[3] == "TCP_TUNNEL/200" for r in rows)
    assert all(matcher.match(r[6]) is not None for r in rows)  # known hosts only
    assert len({r[6] for r in rows}) > 100
    timestamps = [float(r[0]) for r in rows]
    assert timestamps == sorted(timestamps) and timestamps[-1] <= END_TS


@pytest.mark.parametrize(
    ("department", "group"),
    [
        ("Engineering", "engineering"),
        ("Product", "engineering"),
        ("IT", "engineering"),
        ("Facilities", "back_office"),  # "it" inside a word is not IT
        ("Sales", "sales"),
        ("Marketing", "marketing"),
        ("Customer Support", "support"),
        ("Finance", "back_office"),
        ("", "back_office"),
    ],
)
def test_department_groups(department: str, group: str) -> None:
    assert department_group(department) == group
