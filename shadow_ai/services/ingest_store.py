"""Storing normalised rows: the COPY staging path, idempotent insert into the partitioned
Event table, rollups, unknown hosts and prompts, all in the caller's org_context
transaction (docs/shadow_ai_ingest.md).

PostgreSQL refuses COPY FROM into a table with row-level security for a role bound by it,
so a chunk is COPYed into a session-private TEMP table (dropped at commit, so it also works
behind a transaction-pooling PgBouncer), then INSERT ... SELECT moves it into
shadow_ai_event (the policy checks every row: the third wall holds) and the chunk is
grouped into the daily rollups. The unique key (organization_id, ts, event_hash) makes it
idempotent: a chunk none of whose events is stored yet (the usual case) goes straight in;
one that meets a stored event takes the careful path, which drops the known events and
repeats first and rolls up only what was inserted. Nothing here is atomic by itself:
callers hold the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

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
# A 64-bit hash (hashtextextended, several times cheaper than md5 here) suffices: the unique
# key is (organization_id, ts, event_hash), so only events of one organisation at the same
# microsecond could ever collide.
HASH_EXPR = (
    "hashtextextended(CASE WHEN s.ext_id IS NULL THEN concat_ws('|', s.ts, s.identity_id, "
    "s.host, s.url_path, s.bytes, s.action) ELSE 'id|' || s.ext_id END, 0)"
)

SENSITIVE = "(" + ", ".join(f"'{level}'" for level in SENSITIVE_LEVELS) + ")"

# The chunk, resolved once: timestamp, idempotency key, member and department.
FRESH = f"""
CREATE TEMP TABLE shadow_fresh ON COMMIT DROP AS
SELECT s.*, to_timestamp(s.ts) AS at, {HASH_EXPR} AS h, m.id AS membership_id,
    m.department_id
FROM shadow_stage s
LEFT JOIN shadow_ai_identityalias a ON a.id = s.identity_id
LEFT JOIN tenancy_membership m ON m.id = a.membership_id
"""

# The fast path, for a chunk without prompts: the staged rows go straight into the event
# table and their rollups, resolved on the way (no second temporary copy of the chunk). A
# plain INSERT: the unique index guards, and any event already stored (or twice in the
# chunk) makes it fail, which sends the chunk down the careful path below instead.
STAGED = f"""
SELECT to_timestamp(s.ts) AS at, s.tool_id, s.host, s.identity_id, m.id AS membership_id,
    m.department_id, s.bytes, s.action, s.url_path, s.sensitivity,
    {HASH_EXPR} AS h
FROM shadow_stage s
LEFT JOIN shadow_ai_identityalias a ON a.id = s.identity_id
LEFT JOIN tenancy_membership m ON m.id = a.membership_id
"""

# Events already stored (a file uploaded again, overlapping log files), looked up in the
# chunk's time window only, and repeats inside the chunk: not inserted, not rolled up.
DROP_KNOWN = """
DELETE FROM shadow_fresh f USING shadow_ai_event e
WHERE e.organization_id = %(org)s AND e.ts BETWEEN to_timestamp(%(lo)s) AND to_timestamp(%(hi)s)
    AND e.ts = f.at AND e.event_hash = f.h
"""
DROP_REPEATS = """
DELETE FROM shadow_fresh a USING shadow_fresh b
WHERE a.at = b.at AND a.h = b.h AND a.ctid > b.ctid
"""

EVENT_COLUMNS = """shadow_ai_event (organization_id, ts, tool_id, host, identity_id,
    membership_id, department_id, bytes, action, url_path, sensitivity, event_hash, upload_id)"""
EVENT_VALUES = """%(org)s, f.at, f.tool_id, f.host, f.identity_id, f.membership_id,
    f.department_id, f.bytes, f.action, f.url_path, f.sensitivity, f.h, %(upload)s"""

# A plain INSERT: the unique index still guards, without the cost of ON CONFLICT's
# speculative insertion on every row.
INSERT_EVENTS = f"INSERT INTO {EVENT_COLUMNS} SELECT {EVENT_VALUES} FROM shadow_fresh f"
INSERT_STAGED = f"INSERT INTO {EVENT_COLUMNS} SELECT {EVENT_VALUES} FROM ({STAGED}) f"

# Only when another transaction stored some of the same events meanwhile (two overlapping
# files processed at once): insert what is still new and forget the rest.
INSERT_EVENTS_RACING = f"""
WITH ins AS (
    INSERT INTO {EVENT_COLUMNS} SELECT {EVENT_VALUES} FROM shadow_fresh f
    ON CONFLICT (organization_id, ts, event_hash) DO NOTHING
    RETURNING ts, event_hash
)
DELETE FROM shadow_fresh f
WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.ts = f.at AND ins.event_hash = f.h)
"""

# Rollups: the chunk grouped once, each group looked up once in the stored rollups
# (`stored`: a day spread over two chunks, a second log source for the same days). Stored
# groups are added to; every other group is inserted plainly (the unique key still guards).
# A transaction storing the same keys meanwhile makes that insert fail: ROLL_UP_RACING then
# adds the groups not updated, so nothing the update added is added twice.
ROLL_UP_SELECT = f"""
SELECT x.*, EXISTS (
    SELECT 1 FROM shadow_ai_dailyrollup r WHERE r.organization_id = %(org)s AND r.day = x.day
        AND r.tool_id = x.tool_id AND r.identity_id = x.identity_id
) AS stored
FROM (
    SELECT (f.at AT TIME ZONE 'UTC')::date AS day, f.tool_id, f.identity_id,
        max(f.membership_id) AS membership_id, max(f.department_id) AS department_id,
        count(*) AS events, sum(f.bytes) AS bytes,
        count(*) FILTER (WHERE f.sensitivity IN {SENSITIVE}) AS sensitive
    FROM {{rows}} f WHERE f.tool_id IS NOT NULL
    GROUP BY 1, 2, 3
) x
"""
ROLL_UP_GROUP = "CREATE TEMP TABLE shadow_roll ON COMMIT DROP AS " + ROLL_UP_SELECT.format(
    rows="shadow_fresh"
)
# The fast path groups the staged rows (all of them new) without materialising them again.
ROLL_UP_GROUP_STAGED = "CREATE TEMP TABLE shadow_roll ON COMMIT DROP AS " + ROLL_UP_SELECT.format(
    rows=f"({STAGED.replace(HASH_EXPR, '0')})"
)
# Returns how many stored groups found no row to update: a row deleted since the grouping
# looked (an upload discarded meanwhile by another transaction). Those groups are then
# marked as new (ROLL_UP_UNSTORE) and inserted with the rest, so no count is lost.
ROLL_UP_UPDATE = """
WITH updated AS (
    UPDATE shadow_ai_dailyrollup r SET events = r.events + g.events, bytes = r.bytes + g.bytes,
        sensitive_events = r.sensitive_events + g.sensitive, membership_id = g.membership_id,
        department_id = g.department_id
    FROM shadow_roll g
    WHERE g.stored AND r.organization_id = %(org)s AND r.day = g.day AND r.tool_id = g.tool_id
        AND r.identity_id = g.identity_id
        AND r.day BETWEEN (to_timestamp(%(lo)s) AT TIME ZONE 'UTC')::date
            AND (to_timestamp(%(hi)s) AT TIME ZONE 'UTC')::date
    RETURNING 1
)
SELECT (SELECT count(*) FROM shadow_roll WHERE stored) - (SELECT count(*) FROM updated)
"""
ROLL_UP_UNSTORE = """
UPDATE shadow_roll g SET stored = false
WHERE g.stored AND NOT EXISTS (
    SELECT 1 FROM shadow_ai_dailyrollup r WHERE r.organization_id = %(org)s AND r.day = g.day
        AND r.tool_id = g.tool_id AND r.identity_id = g.identity_id
)
"""
ROLL_UP_INSERT = """
INSERT INTO shadow_ai_dailyrollup (organization_id, day, tool_id, identity_id,
    membership_id, department_id, events, bytes, sensitive_events)
SELECT %(org)s, g.day, g.tool_id, g.identity_id, g.membership_id, g.department_id,
    g.events, g.bytes, g.sensitive
FROM shadow_roll g WHERE NOT g.stored
"""
ROLL_UP_RACING = """
INSERT INTO shadow_ai_dailyrollup AS r (organization_id, day, tool_id, identity_id,
    membership_id, department_id, events, bytes, sensitive_events)
SELECT %(org)s, g.day, g.tool_id, g.identity_id, g.membership_id, g.department_id,
    g.events, g.bytes, g.sensitive
FROM shadow_roll g WHERE NOT g.stored
ON CONFLICT (organization_id, day, tool_id, identity_id) DO UPDATE SET
    events = r.events + excluded.events,
    bytes = r.bytes + excluded.bytes,
    sensitive_events = r.sensitive_events + excluded.sensitive_events,
    membership_id = excluded.membership_id,
    department_id = excluded.department_id
"""

INSERT_PROMPTS = """
INSERT INTO shadow_ai_promptrecord (organization_id, event_id, event_hash, ts, upload_id,
    tool_id, identity_id, membership_id, department_id, text, pii_counts, task_category,
    sensitivity, raw_text, created_at)
SELECT %(org)s, e.id, e.event_hash, e.ts, %(upload)s, e.tool_id, e.identity_id,
    e.membership_id, e.department_id, f.prompt, coalesce(f.pii, '{}'::jsonb), '',
    f.sensitivity, coalesce(f.raw_prompt, ''), now()
FROM shadow_fresh f
JOIN shadow_ai_event e ON e.organization_id = %(org)s AND e.ts = f.at AND e.event_hash = f.h
WHERE f.prompt IS NOT NULL
ON CONFLICT (organization_id, event_hash) WHERE event_hash IS NOT NULL DO NOTHING
"""

UNKNOWN_HOSTS = """
INSERT INTO shadow_ai_hostclassification AS h (organization_id, host, category,
    decided_by, events, first_seen, updated_at)
SELECT %(org)s, f.host, '', '', count(*), now(), now()
FROM {rows} f WHERE f.tool_id IS NULL GROUP BY f.host
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
    span: tuple[float, float],
    with_prompts: bool,
    durable: bool = True,
    batch_bytes: int = 1 << 20,
) -> StoreResult:
    """COPY the lines into the staging table and move them into Event, DailyRollup,
    HostClassification (unknown hosts) and PromptRecord. span: the lowest and highest ts
    of the lines. Runs in the caller's transaction, an org_context for org_id."""
    connection = connections[DEFAULT_DB_ALIAS]
    result = StoreResult()
    params = {"org": org_id, "upload": upload_id, "lo": span[0], "hi": span[1]}
    with connection.cursor() as cursor:
        # Room for the chunk's grouping in memory (the default spills it to disk), and no
        # JIT: its statements are costed high but run in tens of milliseconds, and compiling
        # them took as long again.
        cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        if not durable:
            # An upload's chunk commits with its checkpoint: if a crash loses the commit,
            # both are lost and the chunk is simply read again. No need to wait for the
            # WAL flush. (API pushes stay durable: their sender was told "stored".)
            cursor.execute("SET LOCAL synchronous_commit = off")
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
        careful = with_prompts
        if not careful:
            try:
                with transaction.atomic(using=DEFAULT_DB_ALIAS):
                    cursor.execute(INSERT_STAGED, params)
                    result.inserted = cursor.rowcount
            except IntegrityError:
                careful = True  # some of these events are stored already
        if careful:
            cursor.execute(FRESH, params)
            cursor.execute(DROP_KNOWN, params)
            try:
                with transaction.atomic(using=DEFAULT_DB_ALIAS):
                    cursor.execute(INSERT_EVENTS, params)
            except IntegrityError:
                # The same event twice in the chunk, or another transaction storing some of
                # these events meanwhile.
                cursor.execute(DROP_REPEATS)
                cursor.execute(INSERT_EVENTS_RACING, params)
            cursor.execute("SELECT count(*) FROM shadow_fresh")
            result.inserted = cursor.fetchone()[0]
        cursor.execute(ROLL_UP_GROUP if careful else ROLL_UP_GROUP_STAGED, params)
        cursor.execute(ROLL_UP_UPDATE, params)
        if cursor.fetchone()[0]:
            cursor.execute(ROLL_UP_UNSTORE, params)
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                cursor.execute(ROLL_UP_INSERT, params)
        except IntegrityError:
            cursor.execute(ROLL_UP_RACING, params)
        cursor.execute(
            UNKNOWN_HOSTS.format(rows="shadow_fresh" if careful else "shadow_stage"), params
        )
        result.new_host_ids = [host_id for host_id, created in cursor.fetchall() if created]
        if with_prompts:
            cursor.execute(INSERT_PROMPTS, params)
        cursor.execute(
            "DROP TABLE shadow_roll, shadow_stage" + (", shadow_fresh" if careful else "")
        )
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
