"""Two transactions rolling up the same day, tool and identity at once (two log sources for
the same people and days, processed by two workers): the one that meets the other's key
on insert adds its groups to it, and adds nothing twice that it had already added to a
stored rollup; and a rollup row deleted by another transaction (an upload discarded)
between the grouping and the update is inserted again, not lost."""

import threading
import time
from contextlib import contextmanager

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


@contextmanager
def other_transaction(org, work, waited_on: str):
    """Run `work` in another transaction (its own thread and connection), then the block;
    that transaction commits once the block's statement `waited_on` waits for its locks."""
    started = threading.Event()
    blocked = []

    def run() -> None:
        try:
            with org_context(org):
                work()
                started.set()
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not blocked:
                    sql("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
                    waiting = sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE %s",
                        [f"%{waited_on}%"],
                    )[0][0]
                    if waiting:
                        blocked.append(waiting)
                    time.sleep(0.05)
        finally:
            started.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(30)
    yield
    thread.join(30)
    assert blocked, f"the block never waited for the other transaction ({waited_on})"


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

    def store_claude() -> None:
        DailyRollup.objects.create(
            organization=cast.org_a,
            day=day,
            tool=claude,
            identity=identity,
            events=10,
            bytes=0,
            sensitive_events=0,
        )

    with other_transaction(cast.org_a, store_claude, "INSERT INTO shadow_ai_dailyrollup"):
        second, _ = upload(
            cast.org_a,
            cast.alice,
            alice,
            source,
            lines("chatgpt.com", 3, DAY + 100) + lines("claude.ai", 2, DAY + 200),
            filename="second.log",
        )
    assert second.accepted == 5
    assert rollup(cast.org_a, chatgpt, day) == 4 + 3  # updated once, not again on the retry
    assert rollup(cast.org_a, claude, day) == 10 + 2


@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_a_rollup_deleted_by_another_transaction_meanwhile_is_inserted_again(
    live_cast, settings, tmp_path
):
    cast = live_cast
    settings.SHADOW_AI_UPLOAD_DIR = tmp_path
    catalogue_import()
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, alice, source, lines("chatgpt.com", 4, DAY), "first.log")
    with org_context(cast.org_a):
        chatgpt = Tool.objects.get(name="ChatGPT")
        day = DailyRollup.objects.get(tool=chatgpt).day

    def discard() -> None:
        """The first upload's rollup deleted (as events_discard does), committed only once
        the second upload's rollup update waits for the row."""
        DailyRollup.objects.filter(tool=chatgpt).delete()

    with other_transaction(cast.org_a, discard, "UPDATE shadow_ai_dailyrollup"):
        second, _ = upload(
            cast.org_a, cast.alice, alice, source, lines("chatgpt.com", 3, DAY + 100)
        )
    assert second.accepted == 3
    assert rollup(cast.org_a, chatgpt, day) == 3  # the second upload's events, not lost
