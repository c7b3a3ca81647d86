"""Two transactions rolling up the same day, tool and identity at once (two log sources for
the same people and days, processed by two workers): the one that meets the other's key
on insert adds its groups to it, and adds nothing twice that it had already added to a
stored rollup."""

import threading
import time

import pytest
from django.db import connections

from shadow_ai.models import DailyRollup, IdentityAlias, Tool
from shadow_ai.services.catalogue import catalogue_import
from tenancy.context import org_context
from tests.shadow_ai.ingest_helpers import NOW, make_source, sql, squid_line, upload

DAY = NOW - 3 * 86400
ALICE = "alice@example.com"


def lines(host: str, count: int, start: float) -> str:
    return "".join(squid_line(start + i, host, ALICE) for i in range(count))


def rollup(org, tool: Tool, day) -> int:
    with org_context(org):
        return DailyRollup.objects.get(tool=tool, day=day).events


@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_a_rollup_racing_another_transaction_adds_each_group_once(live_cast, settings, tmp_path):
    cast = live_cast
    settings.SHADOW_AI_UPLOAD_DIR = tmp_path
    catalogue_import()
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    # The day's ChatGPT rollup is stored (4 events); Claude is known from another day.
    first, _ = upload(
        cast.org_a,
        cast.alice,
        alice,
        source,
        lines("chatgpt.com", 4, DAY) + lines("claude.ai", 1, DAY - 86400),
        filename="first.log",
    )
    assert first.accepted == 5
    with org_context(cast.org_a):
        chatgpt = Tool.objects.get(name="ChatGPT")
        claude = Tool.objects.get(name="Claude")
        identity = IdentityAlias.objects.get(value=ALICE)
        day = DailyRollup.objects.get(tool=chatgpt).day

    inserted = threading.Event()
    blocked = []

    def other_worker() -> None:
        """Another transaction stores the day's Claude rollup and commits only once the
        upload below waits for its key."""
        try:
            with org_context(cast.org_a):
                DailyRollup.objects.create(
                    organization=cast.org_a,
                    day=day,
                    tool=claude,
                    identity=identity,
                    events=10,
                    bytes=0,
                    sensitive_events=0,
                )
                inserted.set()
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not blocked:
                    sql("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
                    waiting = sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE '%%INSERT INTO shadow_ai_dailyrollup%%'"
                    )[0][0]
                    if waiting:
                        blocked.append(waiting)
                    time.sleep(0.05)
        finally:
            inserted.set()
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert inserted.wait(30)
    second, _ = upload(
        cast.org_a,
        cast.alice,
        alice,
        source,
        lines("chatgpt.com", 3, DAY + 100) + lines("claude.ai", 2, DAY + 200),
        filename="second.log",
    )
    thread.join(30)
    assert blocked, "the upload never waited for the other transaction's rollup"
    assert second.accepted == 5
    assert rollup(cast.org_a, chatgpt, day) == 4 + 3  # updated once, not again on the retry
    assert rollup(cast.org_a, claude, day) == 10 + 2
