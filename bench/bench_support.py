"""What several benchmarks share: a median timer, bulk inserts under row-level security,
ids drawn ahead, the exception that rolls a generated dataset back, and for datasets that
are committed (so that they can be vacuumed and analysed, as autovacuum would leave a
running system's tables) their removal. Import it after django.setup() (it uses the
database connection)."""

import statistics
import time
from collections.abc import Callable

from django.db import connection, connections


class Rollback(Exception):
    """Raised inside transaction.atomic() to throw away what a benchmark generated."""


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# The scored attempts and competency scores the benchmarks generate (insert's columns).
ATTEMPT_COLUMNS = [
    ("id", "bigint"),
    ("organization_id", "bigint"),
    ("campaign_id", "bigint"),
    ("membership_id", "bigint"),
    ("version_id", "bigint"),
    ("status", "text"),
    ("started_at", "timestamptz"),
    ("submitted_at", "timestamptz"),
    ("overall_score", "float8"),
    ("overall_level", "text"),
    ("segment", "text"),
    ("department_id", "bigint"),
    ("number", "int"),
    ("item_ids", "jsonb"),
    ("seed", "int"),
]
COMPETENCY_SCORE_COLUMNS = [
    ("organization_id", "bigint"),
    ("attempt_id", "bigint"),
    ("competency_id", "bigint"),
    ("score", "float8"),
    ("level", "text"),
]


def insert(table: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    """Bulk INSERT ... SELECT FROM unnest(arrays), 100,000 rows a statement.

    COPY would be faster, but PostgreSQL refuses COPY FROM into a table with row-level
    security for a role that is bound by it - as the platform's role is, by design.
    """
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 100_000):
            chunk = rows[start : start + 100_000]
            cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])


def next_ids(table: str, count: int) -> list[int]:
    """`count` ids from the table's sequence, for rows inserted with their ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


# Children before parents: several assessment keys are PROTECT (results outlive a careless
# delete), so a bench organisation cannot simply cascade from Organization.
DELETE_ORDER = [
    "assessments_answer",
    "assessments_competencyscore",
    "assessments_itemstatisticscache",
    "assessments_attempt",
    "assessments_campaigndepartment",
    "assessments_campaign",
    "assessments_option",
    "assessments_item",
    "assessments_competency",
    "assessments_frameworkversion",
    "assessments_framework",
    "roi_measurement",
    "roi_metric",
    "roi_cost",
    "roi_stagechange",
    "roi_usecase",
    "slm_modelinvocation",
    "shadow_ai_dailyrollup",
    "shadow_ai_quarterrollup",
    "shadow_ai_identityalias",
    "shadow_ai_tool",
    "reports_dashboardsnapshot",
    "audit_auditevent",
    "tenancy_membership",
    "tenancy_department",
]


def vacuum_analyze(tables: list[str]) -> None:
    """As the owner (the runtime role may not ANALYZE: without statistics the planner
    guesses, and a guessed nested loop over generated rows can run for minutes)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables))


def org_remove(slug: str, users_like: str, tables: list[str]) -> None:
    """Delete a committed bench organisation (also one left by a run killed half way): its
    rows in every table of DELETE_ORDER, the organisation, the users whose email is LIKE
    users_like; then vacuum and analyse `tables`, whose dead rows would slow the next run."""
    from tenancy.context import system_context

    with system_context(), connections["system"].cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization WHERE slug = %s", [slug])
        for (org_id,) in cursor.fetchall():
            for table in DELETE_ORDER:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org_id])
            cursor.execute("DELETE FROM tenancy_organization WHERE id = %s", [org_id])
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [users_like])
    vacuum_analyze(tables)
