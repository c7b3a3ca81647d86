"""What several benchmarks share: a median timer, bulk inserts under row-level security,
ids drawn ahead, and the exception that rolls a generated dataset back. Import it after
django.setup() (it uses the database connection)."""

import statistics
import time
from collections.abc import Callable

from django.db import connection


class Rollback(Exception):
    """Raised inside transaction.atomic() to throw away what a benchmark generated."""


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


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
