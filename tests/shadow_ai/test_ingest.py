"""Ingestion end to end: parse, validate, match, store, roll up; idempotency; identities;
unknown hosts; pushes; resuming; retention; isolation."""

import pytest

from shadow_ai.models import (
    DailyRollup,
    HostClassification,
    IdentityAlias,
    RejectedRow,
    ShadowSettings,
    Tool,
    ToolSource,
    Upload,
    UploadStatus,
)
from shadow_ai.services import ingest
from shadow_ai.services.ingest import alias_map, events_push, upload_process
from shadow_ai.services.ingest_store import hosts_tool_assign
from tenancy.context import org_context
from tests.shadow_ai.ingest_helpers import (
    NOW,
    catalogue,  # noqa: F401 (fixture)
    event_count,
    gz,
    make_source,
    rollup_total,
    sql,
    squid_line,
    squid_log,
    upload,
    upload_dir,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.usefixtures("catalogue", "upload_dir")


def test_squid_upload_stores_events_rolls_up_and_creates_tools(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    up, duplicate = upload(cast.org_a, cast.alice, alice, source, squid_log(100))
    assert not duplicate
    assert up.status == UploadStatus.DONE, up.error
    assert (up.total, up.accepted, up.rejected, up.duplicate) == (100, 100, 0, 0)
    assert up.progress == 100
    assert event_count(cast.org_a) == 100
    assert rollup_total(cast.org_a) == 100
    with org_context(cast.org_a):
        tools = {t.name: t for t in Tool.objects.all()}
        assert {t.source for t in tools.values()} == {ToolSource.CATALOGUE}
        assert len(tools) == 2  # ChatGPT and Claude
        aliases = set(IdentityAlias.objects.values_list("kind", "value"))
        assert ("email", "alice@example.com") in aliases
        assert any(kind == "ip" for kind, _ in aliases)  # '-' user: the client address
        rows = DailyRollup.objects.all()
        assert sum(r.bytes for r in rows) == sum(100 + i for i in range(100))


def test_same_file_again_is_a_duplicate_upload_and_counts_nothing(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    content = squid_log(50)
    first, _ = upload(cast.org_a, cast.alice, alice, source, content)
    again, duplicate = upload(cast.org_a, cast.alice, alice, source, content)
    assert duplicate and again.pk == first.pk
    # The same events in another file (gzipped, so another SHA-256) count nothing either.
    third, duplicate = upload(cast.org_a, cast.alice, alice, source, gz(content), "a.log.gz")
    assert not duplicate
    assert (third.accepted, third.duplicate) == (0, 50)
    assert event_count(cast.org_a) == 50
    assert rollup_total(cast.org_a) == 50
    with org_context(cast.org_a):
        assert Upload.objects.count() == 2


def test_overlapping_files_count_each_event_once(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    lines = squid_log(30).splitlines(keepends=True)
    upload(cast.org_a, cast.alice, alice, source, "".join(lines[:20]), "a.log")
    second, _ = upload(cast.org_a, cast.alice, alice, source, "".join(lines[10:]), "b.log")
    assert (second.accepted, second.duplicate) == (10, 10)
    assert event_count(cast.org_a) == rollup_total(cast.org_a) == 30


def test_mapping_an_identity_reattributes_past_events_and_rollups(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, alice, source, squid_log(40, users=("emil.work",)))
    with org_context(cast.org_a):
        alias = IdentityAlias.objects.get(value="emil.work")
        assert alias.membership is None
        changed = alias_map(
            organization=cast.org_a, actor=cast.alice, alias=alias, membership=cast.member("emil")
        )
        assert changed == 40
        emil = cast.member("emil")
        assert (
            sql(
                "SELECT count(*) FROM shadow_ai_event"
                " WHERE membership_id = %s AND department_id = %s",
                [emil.pk, cast.support.pk],
            )[0][0]
            == 40
        )
        assert set(DailyRollup.objects.values_list("membership_id", flat=True)) == {emil.pk}
    # New events of the mapped identity arrive attributed.
    start = NOW - 86400
    up, _ = upload(
        cast.org_a,
        cast.alice,
        alice,
        source,
        squid_log(5, start=start, users=("emil.work",)),
        "later.log",
    )
    with org_context(cast.org_a):
        assert (
            sql(
                "SELECT count(*) FROM shadow_ai_event WHERE upload_id = %s AND membership_id = %s",
                [up.pk, cast.member("emil").pk],
            )[0][0]
            == 5
        )


def test_unknown_hosts_are_recorded_for_classification_and_rolled_up_once_assigned(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    content = squid_log(20, hosts=("newai.example.net", "chatgpt.com"))
    up, _ = upload(cast.org_a, cast.alice, alice, source, content)
    assert up.accepted == 20
    with org_context(cast.org_a):
        host = HostClassification.objects.get()
        assert (host.host, host.is_ai, host.events) == ("newai.example.net", None, 10)
        assert rollup_total(cast.org_a) == 10  # only the catalogue tool so far
        tool = Tool.objects.create(
            organization=cast.org_a,
            name="NewAI",
            source=ToolSource.DISCOVERED,
            domains=["newai.example.net"],
        )
        hosts_tool_assign(org_id=cast.org_a.pk, hosts=["newai.example.net"], tool_id=tool.pk)
    assert rollup_total(cast.org_a) == 20


def test_hosts_classified_not_ai_are_counted_not_stored(cast):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    with org_context(cast.org_a):
        HostClassification.objects.create(
            organization=cast.org_a, host="intranet.example.com", is_ai=False
        )
    up, _ = upload(
        cast.org_a,
        cast.alice,
        alice,
        source,
        squid_log(10, hosts=("intranet.example.com", "claude.ai")),
    )
    assert (up.accepted, up.ignored) == (5, 5)


def test_killed_mid_file_resumes_at_the_checkpoint_without_counting_twice(cast, monkeypatch):
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    content = squid_log(95) + "garbage line\n" + squid_log(4, start=NOW - 3600)
    real_flush = ingest._flush
    calls = {"n": 0}

    def dying_flush(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # not caught: like SIGKILL, nothing more runs
        return real_flush(*args, **kwargs)

    monkeypatch.setattr(ingest, "_flush", dying_flush)
    with pytest.raises(SystemExit):
        upload(cast.org_a, cast.alice, alice, source, content, chunk_rows=20)
    with org_context(cast.org_a):
        stalled = Upload.objects.get()
    assert stalled.status == UploadStatus.PROCESSING
    assert (stalled.lines_done, stalled.accepted) == (40, 40)
    assert event_count(cast.org_a) == 40
    monkeypatch.setattr(ingest, "_flush", real_flush)
    upload_process(org_id=cast.org_a.pk, upload_id=stalled.pk, chunk_rows=20)
    with org_context(cast.org_a):
        done = Upload.objects.get()
        assert RejectedRow.objects.filter(upload=done).count() == 1
    assert done.status == UploadStatus.DONE
    assert (done.total, done.accepted, done.rejected, done.duplicate) == (100, 99, 1, 0)
    assert event_count(cast.org_a) == rollup_total(cast.org_a) == 99


def test_push_is_idempotent_per_event_id(cast):
    events = [
        {
            "id": f"evt-{i}",
            "ts": NOW - 600 + i,
            "user": "alice@example.com",
            "host": "chatgpt.com",
            "bytes": 10,
        }
        for i in range(5)
    ] + [{"id": "bad", "ts": NOW + 86400 * 3, "host": "chatgpt.com", "user": "x"}]
    with org_context(cast.org_a):
        first = events_push(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            records=events,
        )
        assert (first.accepted, first.duplicate) == (5, 0)
        assert first.rejected == [{"index": 5, "reason": "timestamp in the future"}]
        events[0]["bytes"] = 999  # a retry of the same event id, even altered, is one event
        again = events_push(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            records=events[:5],
        )
        assert (again.accepted, again.duplicate) == (0, 5)
    assert event_count(cast.org_a) == rollup_total(cast.org_a) == 5


def test_prompts_are_scrubbed_before_they_are_stored(cast):
    pytest.importorskip("shadow_ai.scrub")
    from shadow_ai.models import PromptRecord

    record = {
        "id": "p1",
        "ts": NOW - 60,
        "user": "alice@example.com",
        "host": "chatgpt.com",
        "prompt": "Write to jane.doe@example.org about card 4111 1111 1111 1111",
    }
    with org_context(cast.org_a):
        events_push(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            records=[record],
        )
        prompt = PromptRecord.objects.get()
        assert "jane.doe@example.org" not in prompt.text
        assert "4111 1111 1111 1111" not in prompt.text
        assert prompt.pii_counts.get("email") == 1
        assert prompt.raw_text == ""
        assert prompt.sensitivity == "restricted"
        assert rollup_total(cast.org_a) == 1
        assert DailyRollup.objects.get().sensitive_events == 1


def test_raw_prompts_kept_encrypted_only_when_opted_in(cast):
    pytest.importorskip("shadow_ai.scrub")
    from shadow_ai.models import PromptRecord
    from slm.crypto import decrypt

    with org_context(cast.org_a):
        ShadowSettings.objects.create(organization=cast.org_a, keep_raw_prompts=True)
        events_push(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            records=[
                {
                    "id": "p2",
                    "ts": NOW - 60,
                    "user": "a@b.example",
                    "host": "claude.ai",
                    "prompt": "mail bob@example.org",
                }
            ],
        )
        prompt = PromptRecord.objects.get()
        assert "bob@example.org" not in prompt.raw_text  # stored encrypted
        assert decrypt(prompt.raw_text) == "mail bob@example.org"


@pytest.mark.wall("rls")
def test_other_organisation_sees_none_of_the_events_or_rollups_even_unfiltered(cast):
    source = make_source(cast.org_a, cast.alice)
    upload(cast.org_a, cast.alice, cast.member("alice"), source, squid_log(10))
    with org_context(cast.org_b):
        # Raw SQL with no organisation filter: the policies on the partitioned table (and
        # its partitions) hold the line.
        assert sql("SELECT count(*) FROM shadow_ai_event")[0][0] == 0
        assert sql("SELECT count(*) FROM shadow_ai_dailyrollup")[0][0] == 0
    with org_context(cast.org_a):
        assert sql("SELECT count(*) FROM shadow_ai_event")[0][0] == 10


def test_other_organisation_sees_none_of_the_uploads_or_identities(cast):
    source = make_source(cast.org_a, cast.alice)
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, squid_log(10))
    with org_context(cast.org_b):
        assert not Upload.objects.filter(pk=up.pk).exists()
        assert not IdentityAlias.objects.exists()
        assert not DailyRollup.objects.exists()
    # The same file uploaded by another organisation is not a duplicate there.
    source_b = make_source(cast.org_b, cast.bob)
    up_b, duplicate = upload(cast.org_b, cast.bob, cast.member("bob"), source_b, squid_log(10))
    assert not duplicate and up_b.accepted == 10


def test_events_outside_the_precreated_months_get_their_partition(cast):
    source = make_source(cast.org_a, cast.alice)
    old = NOW - 3 * 365 * 86400
    up, _ = upload(
        cast.org_a,
        cast.alice,
        cast.member("alice"),
        source,
        squid_line(old, "claude.ai", "x") + squid_line(NOW - 60, "claude.ai", "x"),
    )
    assert up.accepted == 2


@pytest.mark.django_db(transaction=True, databases=["default", "system", "owner"])
def test_retention_deletes_per_organisation_and_drops_partitions_nobody_keeps(live_cast):
    from shadow_ai.services.ingest_retention import retention_apply

    cast = live_cast
    source_a = make_source(cast.org_a, cast.alice)
    source_b = make_source(cast.org_b, cast.bob)
    old, older = NOW - 200 * 86400, NOW - 800 * 86400
    content = (
        squid_line(older, "claude.ai", "x")
        + squid_line(old, "claude.ai", "x")
        + squid_line(NOW - 60, "claude.ai", "x")
    )
    upload(cast.org_a, cast.alice, cast.member("alice"), source_a, content)
    upload(cast.org_b, cast.bob, cast.member("bob"), source_b, content)
    with org_context(cast.org_a):
        ShadowSettings.objects.create(organization=cast.org_a, retention_days=90)
    result = retention_apply()
    assert event_count(cast.org_a) == 1  # 90 days: only the recent event
    assert event_count(cast.org_b) == 2  # default 395 days
    assert result["dropped_partitions"]  # the 800-day-old month: nobody keeps it
    assert all(name < "shadow_ai_event_2026" for name in result["dropped_partitions"])


def test_a_line_repeated_inside_one_file_counts_once(cast):
    source = make_source(cast.org_a, cast.alice)
    lines = squid_log(6).splitlines(keepends=True)
    up, _ = upload(
        cast.org_a, cast.alice, cast.member("alice"), source, "".join(lines + lines[2:3])
    )
    assert (up.total, up.accepted, up.duplicate) == (7, 6, 1)
    assert event_count(cast.org_a) == rollup_total(cast.org_a) == 6


def test_an_email_that_is_a_members_login_is_linked_at_once_but_not_another_organisations(
    cast,
):
    """Emails in the logs that are members' logins need no mapping by hand; an email of
    another organisation's member stays unmatched (Globex's bob is nobody at Acme)."""
    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    upload(
        cast.org_a,
        cast.alice,
        alice,
        source,
        squid_log(30, users=("Emil@Example.com", "bob@example.com", "emil.work")),
    )
    with org_context(cast.org_a):
        linked = dict(IdentityAlias.objects.values_list("value", "membership_id"))
        assert linked["emil@example.com"] == cast.member("emil").pk
        assert linked["bob@example.com"] is None
        assert linked["emil.work"] is None  # a user name is mapped by the admin
        assert (
            sql(
                "SELECT count(*) FROM shadow_ai_event WHERE membership_id = %s",
                [cast.member("emil").pk],
            )[0][0]
            == 10
        )


def test_fewer_collections_while_reading_and_the_thresholds_restored_after(cast, monkeypatch):
    """The collector's thresholds are raised while an upload is read (its parsed rows would
    otherwise be walked again and again) and restored afterwards, also when it fails."""
    import gc

    alice = cast.member("alice")
    source = make_source(cast.org_a, cast.alice)
    before = gc.get_threshold()
    seen = []
    real_flush = ingest._flush

    def flush(*args, **kwargs):
        seen.append(gc.get_threshold())
        return real_flush(*args, **kwargs)

    monkeypatch.setattr(ingest, "_flush", flush)
    up, _ = upload(cast.org_a, cast.alice, alice, source, squid_log(30), chunk_rows=10)
    assert up.status == UploadStatus.DONE, up.error
    assert seen and set(seen) == {ingest.GC_THRESHOLD}
    assert gc.get_threshold() == before

    def dying_flush(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(ingest, "_flush", dying_flush)
    with pytest.raises(SystemExit):
        upload(cast.org_a, cast.alice, alice, source, squid_log(5, start=NOW - 7200))
    assert gc.get_threshold() == before
