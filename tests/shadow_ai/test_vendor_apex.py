"""A vendor's bare apex (openai.com) is its main tool's traffic at ingestion, not an unknown
host that the classifier would turn into a discovered "Model API" tool."""

import pytest

from shadow_ai.models import DailyRollup, HostClassification, Tool, ToolSource
from tenancy.context import org_context
from tests.shadow_ai.ingest_helpers import (
    catalogue,  # noqa: F401 (fixture)
    make_source,
    squid_log,
    upload,
    upload_dir,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.usefixtures("catalogue", "upload_dir")

HOSTS = (
    "openai.com",
    "www.openai.com",
    "anthropic.com",
    "openai.com.evil.example",
    "chatgpt-login.example",
    "google.com",
)


def events_by_tool(org) -> dict[str, int]:
    with org_context(org):
        totals: dict[str, int] = {}
        for name, events in DailyRollup.objects.values_list("tool__name", "events"):
            totals[name] = totals.get(name, 0) + events
        return totals


def test_bare_vendor_apexes_count_as_the_vendors_main_tool_and_look_alikes_do_not(cast):
    source = make_source(cast.org_a, cast.alice)
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, squid_log(60, hosts=HOSTS))
    assert up.accepted == 60, up.error
    assert events_by_tool(cast.org_a) == {"ChatGPT": 20, "Claude": 10}
    with org_context(cast.org_a):
        unknown = set(HostClassification.objects.values_list("host", flat=True))
        sources = set(Tool.objects.values_list("source", flat=True))
    # The look-alikes and google.com are left to the classifier, as before.
    assert unknown == {"openai.com.evil.example", "chatgpt-login.example", "google.com"}
    assert sources == {ToolSource.CATALOGUE}


def test_a_tool_discovered_under_the_apex_does_not_take_the_apex_back(cast):
    # Classified before the fix (or from status.openai.com): a discovered tool whose pattern
    # is the apex itself. The apex still goes to ChatGPT.
    with org_context(cast.org_a):
        Tool.objects.create(
            organization=cast.org_a,
            name="openai.com",
            category="model_api",
            domains=["openai.com"],
            source=ToolSource.DISCOVERED,
        )
    source = make_source(cast.org_a, cast.alice)
    upload(
        cast.org_a,
        cast.alice,
        cast.member("alice"),
        source,
        squid_log(10, hosts=("openai.com", "www.openai.com")),
    )
    assert events_by_tool(cast.org_a) == {"ChatGPT": 10}


def test_another_organisation_sees_none_of_the_apex_traffic(cast):
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, cast.member("alice"), source, squid_log(10, hosts=HOSTS[:1]))
    assert events_by_tool(cast.org_a) == {"ChatGPT": 10}
    assert events_by_tool(cast.org_b) == {}
