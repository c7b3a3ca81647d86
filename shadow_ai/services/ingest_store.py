"""Storing normalised rows: the COPY staging path, idempotent insert into the partitioned
Event table, rollups, unknown hosts and prompts, all in the caller's org_context
transaction (docs/shadow_ai_ingest.md).

PostgreSQL refuses COPY FROM into a table with row-level security for a role bound by it,
so a chunk is COPYed into a session-private TEMP table (dropped at commit, so it also works
behind a transaction-pooling PgBouncer), then one statement moves it: INSERT ... SELECT
into shadow_ai_event (the policy checks every row: the third wall holds), ON CONFLICT DO
NOTHING on (organization_id, event_hash, ts) for idempotency, RETURNING the inserted rows
into the rollup upsert. Nothing here is atomic by itself: callers hold the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import DEFAULT_DB_ALIAS, connections

from shadow_ai.models import SENSITIVE_LEVELS

STAGE_DDL = """
CREATE TEMP TABLE shadow_stage (
    ts float8 NOT NULL,
    tool_id bigint,
    host text NOT NULL,
    identity_id bigint NOT NULL,
    bytes bigint NOT NULL,
    action text NOT NULL,
    url_path text NOT NULL,
    ext_id text,
    sensitivity text NOT NULL,
    prompt text,
    pii jsonb,
    raw_prompt text
) ON COMMIT DROP
"""

STAGE_COLUMNS = (
    "ts, tool_id, host, identity_id, bytes, action, url_path, ext_id, sensitivity, prompt, pii, "
    "raw_prompt"
)

# The idempotency key: the sender's event id when there is one, else the normalised fields.
HASH_EXPR = (
    "md5(CASE WHEN s.ext_id IS NULL THEN concat_ws('|', s.ts, s.identity_id, s.host, "
    "s.url_path, s.bytes, s.action) ELSE 'id|' || s.ext_id END)::uuid"
)

SENSITIVE = "(" + ", ".join(f"'{level}'" for level in SENSITIVE_LEVELS) + ")"

INSERT_EVENTS = f"""
WITH ins AS (
    INSERT INTO shadow_ai_event (organization_id, ts, tool_id, host, identity_id,
        membership_id, department_id, bytes, action, url_path, sensitivity, event_hash,
        upload_id)
    SELECT %(org)s, to_timestamp(s.ts), s.tool_id, s.host, s.identity_id, m.id,
        m.department_id, s.bytes, s.action, s.url_path, s.sensitivity, {HASH_EXPR},
        %(upload)s
    FROM shadow_stage s
    LEFT JOIN shadow_ai_identityalias a ON a.id = s.identity_id
    LEFT JOIN tenancy_membership m ON m.id = a.membership_id
    ON CONFLICT (organization_id, event_hash, ts) DO NOTHING
    RETURNING ts, tool_id, identity_id, membership_id, department_id, bytes, sensitivity
), rolled AS (
    INSERT INTO shadow_ai_dailyrollup AS r (organization_id, day, tool_id, identity_id,
        membership_id, department_id, events, bytes, sensitive_events)
    SELECT %(org)s, (ts AT TIME ZONE 'UTC')::date, tool_id, identity_id,
        max(membership_id), max(department_id), count(*), sum(bytes),
        count(*) FILTER (WHERE sensitivity IN {SENSITIVE})
    FROM ins WHERE tool_id IS NOT NULL
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, day, tool_id, identity_id) DO UPDATE SET
        events = r.events + excluded.events,
        bytes = r.bytes + excluded.bytes,
        sensitive_events = r.sensitive_events + excluded.sensitive_events,
        membership_id = excluded.membership_id,
        department_id = excluded.department_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM rolled)
"""

INSERT_PROMPTS = f"""
INSERT INTO shadow_ai_promptrecord (organization_id, event_id, event_hash, ts, upload_id,
    tool_id, identity_id, membership_id, department_id, text, pii_counts, task_category,
    sensitivity, raw_text, created_at)
SELECT %(org)s, e.id, e.event_hash, e.ts, %(upload)s, e.tool_id, e.identity_id,
    e.membership_id, e.department_id, s.prompt, coalesce(s.pii, '{{}}'::jsonb), '',
    s.sensitivity, coalesce(s.raw_prompt, ''), now()
FROM shadow_stage s
JOIN shadow_ai_event e ON e.organization_id = %(org)s AND e.event_hash = {HASH_EXPR}
    AND e.ts = to_timestamp(s.ts)
WHERE s.prompt IS NOT NULL
ON CONFLICT (organization_id, event_hash) WHERE event_hash IS NOT NULL DO NOTHING
"""

UNKNOWN_HOSTS = """
INSERT INTO shadow_ai_hostclassification AS h (organization_id, host, category,
    decided_by, events, first_seen, updated_at)
SELECT %(org)s, s.host, '', '', count(*), now(), now()
FROM shadow_stage s WHERE s.tool_id IS NULL GROUP BY s.host
ON CONFLICT (organization_id, host) DO UPDATE SET events = h.events + excluded.events,
    updated_at = now()
RETURNING h.id, (xmax = 0) AS created
"""


@dataclass
class StoreResult:
    inserted: int = 0
    new_host_ids: list[int] = field(default_factory=list)


def _escape(value: str) -> str:
    """COPY text format: backslash, tab, newline and carriage return are escaped."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


@dataclass
class StagedRow:
    """One row ready to store (identity and tool already resolved)."""

    ts: float
    tool_id: int | None
    host: str
    identity_id: int
    bytes: int
    action: str
    url_path: str
    ext_id: str | None = None
    sensitivity: str = ""
    prompt: str | None = None
    pii: dict | None = None
    raw_prompt: str | None = None


def copy_lines(rows: Iterable[tuple]) -> Iterable[str]:
    """COPY text lines for the fast path: (ts, tool_id, host, identity_id, bytes, action,
    url_path) tuples without prompts or ids. The hot loop of the benchmark."""
    esc = _escape
    tail = "\t\\N\t\t\\N\t\\N\t\\N\n"
    for ts, tool_id, host, identity_id, size, action, path in rows:
        if "\\" in path or "\t" in path:
            path = esc(path)
        tool = "\\N" if tool_id is None else tool_id
        yield f"{ts!r}\t{tool}\t{host}\t{identity_id}\t{size}\t{action}\t{path}{tail}"


def staged_lines(rows: Iterable[StagedRow]) -> Iterable[str]:
    """COPY text lines for rows that may carry an id, a sensitivity and a prompt."""
    null = "\\N"
    for row in rows:
        yield (
            "\t".join(
                (
                    repr(row.ts),
                    null if row.tool_id is None else str(row.tool_id),
                    _escape(row.host),
                    str(row.identity_id),
                    str(row.bytes),
                    _escape(row.action),
                    _escape(row.url_path),
                    null if row.ext_id is None else _escape(row.ext_id),
                    row.sensitivity,
                    null if row.prompt is None else _escape(row.prompt),
                    null if row.pii is None else _escape(json.dumps(row.pii)),
                    null if row.raw_prompt is None else _escape(row.raw_prompt),
                )
            )
            + "\n"
        )


def store_chunk(
    *,
    org_id: int,
    upload_id: int | None,
    lines: Iterable[str],
    with_prompts: bool,
    batch_bytes: int = 1 << 20,
) -> StoreResult:
    """COPY the lines into the staging table and move them into Event, DailyRollup,
    HostClassification (unknown hosts) and PromptRecord. Runs in the caller's transaction,
    which must be an org_context for org_id."""
    connection = connections[DEFAULT_DB_ALIAS]
    result = StoreResult()
    with connection.cursor() as cursor:
        cursor.execute(STAGE_DDL)
        raw = cursor.cursor  # psycopg's cursor: COPY is not in Django's API
        with raw.copy(f"COPY shadow_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
            buffer: list[str] = []
            size = 0
            for line in lines:
                buffer.append(line)
                size += len(line)
                if size >= batch_bytes:
                    copy.write("".join(buffer))
                    buffer, size = [], 0
            if buffer:
                copy.write("".join(buffer))
        params = {"org": org_id, "upload": upload_id}
        cursor.execute(INSERT_EVENTS, params)
        result.inserted = cursor.fetchone()[0]
        cursor.execute(UNKNOWN_HOSTS, params)
        result.new_host_ids = [host_id for host_id, created in cursor.fetchall() if created]
        if with_prompts:
            cursor.execute(INSERT_PROMPTS, params)
        cursor.execute("DROP TABLE shadow_stage")
    return result


_known_months: set[date] = set()


def partitions_ensure(months: Iterable[date]) -> None:
    """Create the month partitions these rows need, each in its own short transaction
    before the chunk's (creating a partition locks the parent table)."""
    missing = sorted({m for m in months} - _known_months)
    if not missing:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    # Inside a transaction the partition may yet be rolled back: remember only committed ones.
    remember = not connection.in_atomic_block
    with connection.cursor() as cursor:
        for month in missing:
            cursor.execute("SELECT shadow_ai_ensure_partition(%s)", [month])
            if remember:
                _known_months.add(month)


def months_of(timestamps: Iterable[float]) -> set[date]:
    """The first days of the months the timestamps fall in (UTC)."""
    seen: set[date] = set()
    # Rows arrive mostly in time order: remember the current month's bounds.
    low = high = 0.0
    for ts in timestamps:
        if low <= ts < high:
            continue
        when = datetime.fromtimestamp(ts, UTC)
        first = date(when.year, when.month, 1)
        seen.add(first)
        nxt = date(when.year + (when.month == 12), when.month % 12 + 1, 1)
        low = datetime(first.year, first.month, 1, tzinfo=UTC).timestamp()
        high = datetime(nxt.year, nxt.month, 1, tzinfo=UTC).timestamp()
    return seen


DISCARD = f"""
WITH gone AS (
    DELETE FROM shadow_ai_event WHERE organization_id = %(org)s AND upload_id = %(upload)s
    RETURNING ts, tool_id, identity_id, bytes, sensitivity
), agg AS (
    SELECT (ts AT TIME ZONE 'UTC')::date AS day, tool_id, identity_id, count(*) AS events,
        sum(bytes) AS bytes, count(*) FILTER (WHERE sensitivity IN {SENSITIVE}) AS sensitive
    FROM gone WHERE tool_id IS NOT NULL GROUP BY 1, 2, 3
)
UPDATE shadow_ai_dailyrollup r SET events = r.events - agg.events,
    bytes = r.bytes - agg.bytes, sensitive_events = r.sensitive_events - agg.sensitive
FROM agg
WHERE r.organization_id = %(org)s AND r.day = agg.day AND r.tool_id = agg.tool_id
    AND r.identity_id IS NOT DISTINCT FROM agg.identity_id
"""


def events_discard(*, org_id: int, upload_id: int) -> None:
    """Take an upload's events back out of Event and the rollups (a file that failed half
    way, or an admin removing an upload). In the caller's org_context transaction."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(DISCARD, {"org": org_id, "upload": upload_id})
        cursor.execute(
            "DELETE FROM shadow_ai_dailyrollup WHERE organization_id = %s AND events <= 0",
            [org_id],
        )
        cursor.execute(
            "DELETE FROM shadow_ai_promptrecord WHERE organization_id = %s AND upload_id = %s",
            [org_id, upload_id],
        )


REATTRIBUTE_EVENTS = """
UPDATE shadow_ai_event SET membership_id = %(membership)s, department_id = %(department)s
WHERE organization_id = %(org)s AND identity_id = %(identity)s
"""
REATTRIBUTE_ROLLUPS = """
UPDATE shadow_ai_dailyrollup SET membership_id = %(membership)s,
    department_id = %(department)s
WHERE organization_id = %(org)s AND identity_id = %(identity)s
"""
REATTRIBUTE_PROMPTS = """
UPDATE shadow_ai_promptrecord SET membership_id = %(membership)s,
    department_id = %(department)s
WHERE organization_id = %(org)s AND identity_id = %(identity)s
"""


def identity_reattribute(
    *, org_id: int, identity_id: int, membership_id: int | None, department_id: int | None
) -> int:
    """Point an identity's past events, rollups and prompts at its (new) member; the number
    of events changed."""
    params = {
        "org": org_id,
        "identity": identity_id,
        "membership": membership_id,
        "department": department_id,
    }
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(REATTRIBUTE_EVENTS, params)
        changed = cursor.rowcount
        cursor.execute(REATTRIBUTE_ROLLUPS, params)
        cursor.execute(REATTRIBUTE_PROMPTS, params)
    return changed


ASSIGN_TOOL = f"""
WITH upd AS (
    UPDATE shadow_ai_event SET tool_id = %(tool)s
    WHERE organization_id = %(org)s AND host = ANY(%(hosts)s) AND tool_id IS NULL
    RETURNING ts, tool_id, identity_id, membership_id, department_id, bytes, sensitivity
)
INSERT INTO shadow_ai_dailyrollup AS r (organization_id, day, tool_id, identity_id,
    membership_id, department_id, events, bytes, sensitive_events)
SELECT %(org)s, (ts AT TIME ZONE 'UTC')::date, tool_id, identity_id, max(membership_id),
    max(department_id), count(*), sum(bytes),
    count(*) FILTER (WHERE sensitivity IN {SENSITIVE})
FROM upd GROUP BY 2, 3, 4
ON CONFLICT (organization_id, day, tool_id, identity_id) DO UPDATE SET
    events = r.events + excluded.events, bytes = r.bytes + excluded.bytes,
    sensitive_events = r.sensitive_events + excluded.sensitive_events
"""


def hosts_tool_assign(*, org_id: int, hosts: Sequence[str], tool_id: int) -> None:
    """Give the past events of these hosts (stored without a tool) the tool, and roll them
    up; for host classification deciding that a host is an AI tool."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(ASSIGN_TOOL, {"org": org_id, "hosts": list(hosts), "tool": tool_id})
