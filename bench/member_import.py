"""Member CSV import throughput, next to raw PostgreSQL COPY of the same rows.

    PYTHONPATH=platform .venv/bin/python bench/member_import.py [--rows 10000]

Runs against the configured database (embedded by default) inside a transaction that is
rolled back, so it leaves nothing behind. Figures: validation alone, the full import
(validation + user and membership upsert + audit), a re-import of the same file (the
idempotent path), and the floor: COPY of the raw rows into a temporary table.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from bench_support import Rollback  # noqa: E402  (bench/, beside this file)
from django.db import connection, transaction  # noqa: E402

from tenancy.context import org_context  # noqa: E402
from tenancy.models import Department, Membership, Organization  # noqa: E402
from tenancy.services.member_import import members_import_csv, parse_members_csv  # noqa: E402

DEPARTMENTS = ["Engineering", "Sales", "Support", "Finance", "People", "Marketing"]
TRACKS = ["engineering", "sales", "customer_support", "finance", "hr", "marketing"]


def make_csv(rows: int) -> bytes:
    lines = ["email,name,department,role,job_track"]
    for i in range(rows):
        k = i % len(DEPARTMENTS)
        lines.append(f"bench{i:06d}@bench.example,Person {i},{DEPARTMENTS[k]},employee,{TRACKS[k]}")
    lines[1] = lines[1].replace("employee", "admin")
    return ("\n".join(lines) + "\n").encode()


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    data = make_csv(args.rows)
    figures = {}
    try:
        with transaction.atomic():
            org = Organization.objects.create(name="Bench", slug="bench-import")
            with org_context(org):
                Department.objects.bulk_create(
                    [Department(organization=org, name=n) for n in DEPARTMENTS]
                )
                figures["validate only"], _ = timed(
                    lambda: parse_members_csv(data, organization=org)
                )
                figures["full import"], result = timed(
                    lambda: members_import_csv(organization=org, actor=None, data=data)
                )
                assert result.ok and result.created == args.rows, result.errors[:3]
                figures["re-import (no changes)"], again = timed(
                    lambda: members_import_csv(organization=org, actor=None, data=data)
                )
                assert again.unchanged == args.rows
                assert Membership.objects.count() == args.rows

            def copy():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "CREATE TEMP TABLE bench_copy (email text, name text, department text,"
                        " role text, job_track text) ON COMMIT DROP"
                    )
                    with cursor.cursor.copy(
                        "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copier:
                        copier.write(io.BytesIO(data).read())

            figures["baseline: raw COPY"], _ = timed(copy)
            raise Rollback
    except Rollback:
        pass
    print(f"member CSV import, {args.rows} rows ({len(data) / 1e6:.1f} MB)")
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds * 1000:9.1f} ms  {args.rows / seconds:11,.0f} rows/s")
    ratio = figures["full import"] / figures["baseline: raw COPY"]
    print(f"  full import is {ratio:.1f}x the time of raw COPY")


if __name__ == "__main__":
    main()
