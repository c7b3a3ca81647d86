"""QuarterRollup: the daily rollups summed per quarter by PostgreSQL statement triggers.
Each test drives one path that writes daily rollups and checks that the quarter rows are
exactly the daily rows summed, and that the dashboard's one-quarter read (usage) gives the
same answer as the daily read of the same days."""

from datetime import date

import pytest

from shadow_ai.models import DailyRollup, IdentityAlias, QuarterRollup, Tool, ToolSource
from shadow_ai.selectors.inventory import Period, quarters_of, usage
from shadow_ai.services.ingest import alias_map
from shadow_ai.services.ingest_store import events_discard, hosts_tool_assign
from tenancy.context import org_context
from tests.shadow_ai.ingest_helpers import (
    NOW,
    catalogue,  # noqa: F401 (fixture)
    make_source,
    rollup_total,
    sql,
    squid_line,
    squid_log,
    upload,
    upload_dir,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.usefixtures("catalogue", "upload_dir")

DAILY_BY_QUARTER = """
SELECT date_trunc('quarter', day)::date, tool_id, coalesce(department_id, 0),
       coalesce(membership_id, 0), sum(events), sum(sensitive_events)
FROM shadow_ai_dailyrollup GROUP BY 1, 2, 3, 4
"""
QUARTERS = """
SELECT quarter, tool_id, department_id, membership_id, events, sensitive_events
FROM shadow_ai_quarterrollup
"""


def assert_quarters_match_days(org) -> None:
    with org_context(org):
        daily = {tuple(r[:4]): (r[4], r[5]) for r in sql(DAILY_BY_QUARTER)}
        quarters = {tuple(r[:4]): (r[4], r[5]) for r in sql(QUARTERS)}
    assert quarters == daily
    assert all(events > 0 for events, _ in quarters.values())  # emptied rows are deleted


def this_quarter() -> Period:
    today = date.today()
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end_month = start.month + 2
    after = date(start.year + (end_month == 12), end_month % 12 + 1, 1)
    return Period(start, date.fromordinal(after.toordinal() - 1))


def assert_usage_same_both_ways(org) -> None:
    """The dashboard reads one quarter from QuarterRollup; the same days read from the
    daily rollups (from the quarter's first day to today: not whole quarters, unless today
    ends the quarter, and the same events, as none are in the future) must agree."""
    quarter = this_quarter()
    days = Period(quarter.start, date.today())
    assert quarters_of(quarter) == 1
    with org_context(org):
        by_quarter, by_days = usage(quarter), usage(days)
    assert set(by_quarter.cells) == set(by_days.cells)
    assert by_quarter.cells  # the test has usage to compare
    assert by_quarter.detected == by_days.detected


def test_quarters_of_counts_only_whole_calendar_quarters():
    assert quarters_of(Period(date(2026, 10, 1), date(2026, 12, 31))) == 1
    assert quarters_of(Period(date(2026, 1, 1), date(2026, 12, 31))) == 4
    assert quarters_of(Period(date(2026, 10, 1), date(2026, 12, 30))) == 0
    assert quarters_of(Period(date(2026, 10, 2), date(2026, 12, 31))) == 0
    assert quarters_of(Period(date(2026, 11, 1), date(2027, 1, 31))) == 0


def test_ingestion_fills_the_quarter_rows_and_the_one_quarter_read_agrees(cast):
    alice, emil = cast.member("alice"), cast.member("emil")
    source = make_source(cast.org_a, cast.alice)
    content = squid_log(60, start=NOW - 3600, users=(alice.user.email, emil.user.email, "-"))
    upload(cast.org_a, cast.alice, alice, source, content)
    # A second file on the same days updates the existing daily rows (the UPDATE trigger).
    more = squid_log(30, start=NOW - 1800, users=(alice.user.email, "-"))
    upload(cast.org_a, cast.alice, alice, source, more, "more.log")
    assert rollup_total(cast.org_a) == 90
    assert_quarters_match_days(cast.org_a)
    with org_context(cast.org_a):
        assert QuarterRollup.objects.filter(membership_id=0).exists()  # unmapped: 0, not NULL
    assert_usage_same_both_ways(cast.org_a)


def test_mapping_an_identity_moves_its_quarter_rows_to_the_member(cast):
    alice, emil = cast.member("alice"), cast.member("emil")
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, alice, source, squid_log(40, users=("emil.work",)))
    with org_context(cast.org_a):
        assert set(QuarterRollup.objects.values_list("membership_id", flat=True)) == {0}
        alias = IdentityAlias.objects.get(value="emil.work")
        alias_map(organization=cast.org_a, actor=cast.alice, alias=alias, membership=emil)
        assert set(QuarterRollup.objects.values_list("membership_id", flat=True)) == {emil.pk}
        assert set(QuarterRollup.objects.values_list("department_id", flat=True)) == {
            cast.support.pk
        }
    assert_quarters_match_days(cast.org_a)
    assert_usage_same_both_ways(cast.org_a)


def test_discarding_an_upload_takes_its_events_out_of_the_quarters(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    first, _ = upload(cast.org_a, cast.alice, alice, source, squid_log(20, start=NOW - 7200))
    second, _ = upload(
        cast.org_a, cast.alice, alice, source, squid_log(10, start=NOW - 600), "b.log"
    )
    with org_context(cast.org_a):
        events_discard(org_id=cast.org_a.pk, upload_id=second.pk)
    assert rollup_total(cast.org_a) == 20
    assert_quarters_match_days(cast.org_a)
    with org_context(cast.org_a):
        events_discard(org_id=cast.org_a.pk, upload_id=first.pk)
        assert not DailyRollup.objects.exists()
        assert not QuarterRollup.objects.exists()


def test_assigning_a_host_to_a_tool_rolls_its_past_events_into_the_quarters(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, alice, source, squid_log(20, hosts=("newai.example.net",)))
    with org_context(cast.org_a):
        assert not QuarterRollup.objects.exists()
        tool = Tool.objects.create(
            organization=cast.org_a,
            name="NewAI",
            source=ToolSource.DISCOVERED,
            domains=["newai.example.net"],
        )
        hosts_tool_assign(org_id=cast.org_a.pk, hosts=["newai.example.net"], tool_id=tool.pk)
        assert sum(QuarterRollup.objects.values_list("events", flat=True)) == 20
    assert_quarters_match_days(cast.org_a)


def test_deleting_a_tool_or_a_member_keeps_the_quarters_in_step(cast):
    alice, emil = cast.member("alice"), cast.member("emil")
    source = make_source(cast.org_a, cast.alice)
    content = squid_log(40, users=(alice.user.email, emil.user.email))
    upload(cast.org_a, cast.alice, alice, source, content)
    with org_context(cast.org_a):
        # Django's SET_NULL cascade on the daily rows moves emil's events to "unmapped".
        emil.delete()
        assert_quarters_match_days(cast.org_a)
        assert not QuarterRollup.objects.filter(membership_id=emil.pk).exists()
        # Django's CASCADE deletes the tool's daily rows; its quarter rows go with them.
        Tool.objects.get(name="Claude").delete()
        assert_quarters_match_days(cast.org_a)
        assert QuarterRollup.objects.exists()
        Tool.objects.all().delete()
        assert not QuarterRollup.objects.exists()


def test_a_sensitivity_change_moves_the_quarters_sensitive_count(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, alice, source, squid_log(10, users=(alice.user.email,)))
    with org_context(cast.org_a):
        row = DailyRollup.objects.order_by("pk").first()
        DailyRollup.objects.filter(pk=row.pk).update(sensitive_events=row.events)
        assert_quarters_match_days(cast.org_a)
        assert sum(QuarterRollup.objects.values_list("sensitive_events", flat=True)) == row.events


def test_quarters_across_years_are_kept_apart(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    content = squid_line(NOW - 400 * 86400, "claude.ai", alice.user.email) + squid_line(
        NOW - 60, "claude.ai", alice.user.email
    )
    upload(cast.org_a, cast.alice, alice, source, content)
    with org_context(cast.org_a):
        assert QuarterRollup.objects.count() == 2
    assert_quarters_match_days(cast.org_a)


@pytest.mark.django_db(transaction=True, databases=["default", "system", "owner"])
def test_retention_takes_old_days_out_of_the_quarters(live_cast):
    from shadow_ai.models import ShadowSettings
    from shadow_ai.services.ingest_retention import retention_apply

    cast = live_cast
    source = make_source(cast.org_a, cast.alice)
    content = squid_line(NOW - 200 * 86400, "claude.ai", "x") + squid_line(
        NOW - 60, "claude.ai", "x"
    )
    upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    with org_context(cast.org_a):
        ShadowSettings.objects.create(organization=cast.org_a, retention_days=90)
    retention_apply()
    assert rollup_total(cast.org_a) == 1
    assert_quarters_match_days(cast.org_a)
    with org_context(cast.org_a):
        assert QuarterRollup.objects.count() == 1


@pytest.mark.wall("rls")
def test_another_organisation_sees_none_of_the_quarter_rows(cast):
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, cast.member("alice"), source, squid_log(10))
    with org_context(cast.org_a):
        assert sql("SELECT count(*) FROM shadow_ai_quarterrollup")[0][0] > 0
    with org_context(cast.org_b):
        assert sql("SELECT count(*) FROM shadow_ai_quarterrollup")[0][0] == 0
        assert usage(this_quarter()).cells == []
