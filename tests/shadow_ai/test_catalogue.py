"""The shipped catalogue and its validation."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shadow_ai.catalogue import (
    CATEGORIES,
    DEFAULT_PATH,
    SHARED_APEXES,
    VENDOR_APEXES,
    CatalogueEntry,
    CatalogueError,
    check_vendor_apexes,
    load_catalogue,
    validate_domain_pattern,
)

MIN_TOOLS = 120  # the issue asks for at least 120 tools


def tool(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key": "example-ai",
        "name": "Example AI",
        "vendor": "Example Inc.",
        "category": "chat",
        "domains": ["example-ai.com"],
        "trains_on_user_data": None,
        "retention": "",
        "retention_days": None,
        "enterprise_plan": False,
        "sso": False,
        "soc2": False,
        "iso27001": False,
        "data_residency": [],
        "price_per_seat_month": None,
        "notes": "",
        "sources": ["vendor"],
    }
    base.update(overrides)
    return base


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "tools.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_categories_are_the_contracts() -> None:
    assert set(CATEGORIES) == {
        "chat", "coding", "writing", "meetings", "search", "media", "model_api", "agents",
        "saas_feature",
    }  # fmt: skip


def test_shipped_catalogue_loads_and_is_consistent() -> None:
    entries = load_catalogue()
    assert len(entries) >= MIN_TOOLS
    assert all(isinstance(e, CatalogueEntry) for e in entries)
    assert len({e.key for e in entries}) == len(entries)
    for entry in entries:
        assert entry.category in CATEGORIES
        assert entry.domains and entry.sources
        assert not set(entry.domains) & SHARED_APEXES, entry.key
        assert entry.price_per_seat_month is None or isinstance(entry.price_per_seat_month, Decimal)


def test_shipped_catalogue_covers_every_category_and_the_well_known_tools() -> None:
    entries = {e.key: e for e in load_catalogue()}
    assert {e.category for e in entries.values()} == set(CATEGORIES)
    for key in (
        "chatgpt", "claude", "gemini", "copilot", "m365-copilot", "github-copilot", "cursor",
        "perplexity", "grammarly", "otter", "deepl", "deepseek", "character-ai", "aws-bedrock",
    ):  # fmt: skip
        assert key in entries, key
    # Attributes known from vendors' public statements are filled in...
    assert entries["chatgpt"].trains_on_user_data is True
    assert entries["openai-api"].trains_on_user_data is False
    assert entries["m365-copilot"].price_per_seat_month == Decimal("30")
    assert entries["deepseek"].data_residency == ("CN",)
    # ... and unknown ones say so instead of guessing.
    unknown = entries["strongwall"]
    assert unknown.trains_on_user_data is None and not unknown.soc2 and not unknown.iso27001
    assert "not researched" in unknown.notes


def test_shipped_catalogue_sources_are_the_open_lists() -> None:
    allowed = {"radiusmethod/shadowai-domains", "nullgen-inc/ai-blocklist", "vendor"}
    entries = load_catalogue()
    assert all(set(e.sources) <= allowed for e in entries)
    vendor_only = [e.key for e in entries if "vendor" in e.sources]
    assert vendor_only == ["deepl"]  # NOTICE names it; anything new must be recorded there


@pytest.mark.parametrize(
    "domain",
    ["notion.so", "zoom.us", "slack.com", "salesforce.com", "teams.microsoft.com", "yandex.com"],
)
def test_general_saas_domains_are_not_catalogued_whole(domain: str) -> None:
    # Their traffic is mostly not AI use; counting it would inflate every figure.
    assert all(domain not in e.domains for e in load_catalogue())


def test_load_catalogue_reads_a_given_path(tmp_path: Path) -> None:
    entries = load_catalogue(write(tmp_path, [tool(price_per_seat_month="19.99")]))
    assert entries == [
        CatalogueEntry(
            key="example-ai",
            name="Example AI",
            vendor="Example Inc.",
            category="chat",
            domains=("example-ai.com",),
            trains_on_user_data=None,
            retention="",
            retention_days=None,
            enterprise_plan=False,
            sso=False,
            soc2=False,
            iso27001=False,
            data_residency=(),
            price_per_seat_month=Decimal("19.99"),
            notes="",
            sources=("vendor",),
        )
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "toys"}, "category 'toys' is not one of"),
        ({"domains": []}, "at least one domain"),
        ({"domains": ["*.example-ai.com"]}, 'must not start with "\\*."'),
        ({"domains": ["google.com"]}, "shared apex"),
        ({"domains": ["Example-AI.com"]}, "lower case"),
        ({"domains": ["com"]}, "at least two labels"),
        ({"domains": ["bad_label!.com"]}, "invalid label"),
        ({"domains": ["x.*.com"]}, "followed by at least two fixed labels"),
        ({"domains": ["a.com", "a.com"]}, "listed twice"),
        ({"key": "Bad Key"}, "key must be"),
        ({"name": ""}, "'name' must be a non-empty string"),
        ({"soc2": None}, "'soc2' must be true or false"),
        ({"trains_on_user_data": "yes"}, "true, false or null"),
        ({"retention_days": -1}, "retention_days"),
        ({"retention_days": True}, "retention_days"),
        ({"price_per_seat_month": 19.99}, "string like"),
        ({"price_per_seat_month": "abc"}, "not a number"),
        ({"price_per_seat_month": "-5"}, "between 0"),
        ({"price_per_seat_month": "NaN"}, "between 0"),
        ({"sources": []}, "sources must name"),
        ({"data_residency": "EU"}, "list of non-empty strings"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_bad_entries_are_refused_with_the_tool_and_field(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    path = write(tmp_path, [tool(key="first"), tool(**{"key": "second", **overrides})])
    with pytest.raises(CatalogueError, match=message) as info:
        load_catalogue(path)
    assert "tool #2" in str(info.value)


def test_duplicate_keys_and_domains_across_tools_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="key 'a' is used by two tools"):
        load_catalogue(write(tmp_path, [tool(key="a"), tool(key="a", domains=["b.com"])]))
    with pytest.raises(CatalogueError, match="claimed by both 'a' and 'b'"):
        load_catalogue(write(tmp_path, [tool(key="a"), tool(key="b")]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"key": "x"}', "top level must be a JSON list"),
        ("[1]", "must be a JSON object"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tools.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "absent.json")


@pytest.mark.parametrize(
    "pattern", ["chatgpt.com", "bedrock-runtime.*.amazonaws.com", "xn--bcher-kva.de"]
)
def test_valid_patterns(pattern: str) -> None:
    assert validate_domain_pattern(pattern) is None


def test_default_path_is_next_to_the_module() -> None:
    assert DEFAULT_PATH.name == "tools.json" and DEFAULT_PATH.exists()
    assert (DEFAULT_PATH.parent / "NOTICE").exists()


def test_vendor_apexes_name_shipped_tools_and_leave_general_apexes_alone() -> None:
    keys = {e.key for e in load_catalogue()}  # also runs check_vendor_apexes on them
    assert VENDOR_APEXES["openai.com"] == "chatgpt"
    assert set(VENDOR_APEXES.values()) <= keys
    assert not {"google.com", "microsoft.com", "amazon.com", "meta.com"} & set(VENDOR_APEXES)


def test_a_vendor_apex_must_be_one_vendors_and_no_catalogue_domain(tmp_path: Path) -> None:
    entries = load_catalogue(
        write(
            tmp_path,
            [
                tool(key="a-chat", vendor="A", domains=["chat.a.com"]),
                tool(key="a-api", vendor="A", domains=["api.a.com"]),
                tool(key="b-chat", vendor="B", domains=["b.com", "b-helper.a2.com"]),
            ],
        )
    )
    check_vendor_apexes(entries, {"a.com": "a-chat", "a2.com": "b-chat"})
    with pytest.raises(CatalogueError, match="itself a catalogue domain"):
        check_vendor_apexes(entries, {"b.com": "b-chat"})
    with pytest.raises(
        CatalogueError, match=r"only B.s tools catalogued under it \(found a-api, a-chat\)"
    ):
        check_vendor_apexes(entries, {"a.com": "b-chat"})
    with pytest.raises(CatalogueError, match="found none"):
        check_vendor_apexes(entries, {"c.com": "a-chat"})
