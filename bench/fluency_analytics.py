"""Fluency analytics at scale: 10,000 members, three campaigns, ~30,000 attempts and
~1.5 million answers, next to the single plain SQL aggregate that is its floor.

    PYTHONPATH=platform .venv/bin/python bench/fluency_analytics.py [--members 10000]

The data is bulk-inserted and committed, then vacuumed and analysed as autovacuum would
leave a running system's tables (inside a rolled-back transaction the runtime role cannot
ANALYZE, and the planner's guesses made one query run for minutes), and deleted at the
end (and at the start, after a run killed half way). Figures: the time to load it, then
the median (of 7 runs) of the analytics page's data - summary, trend, heatmap and the
cached item statistics - and of the floor; and the background job that recomputes the
item statistics.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from bench_support import (  # noqa: E402  (bench/, beside this file)
    ATTEMPT_COLUMNS,
    COMPETENCY_SCORE_COLUMNS,
    insert,
    median_ms,
    org_remove,
    vacuum_analyze,
)
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from assessments.models import Campaign, Item  # noqa: E402
from assessments.selectors import analytics  # noqa: E402
from assessments.services.analytics import item_statistics_refresh  # noqa: E402
from assessments.services.frameworks import framework_install  # noqa: E402
from tenancy.context import org_context  # noqa: E402
from tenancy.models import Department, Membership, Organization  # noqa: E402

SLUG = "bench-fluency"
# What the bench writes, vacuumed and analysed before the measurement.
TABLES = [
    "tenancy_membership",
    "assessments_attempt",
    "assessments_answer",
    "assessments_competencyscore",
    "assessments_itemstatisticscache",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    org_remove(SLUG, "%@bench-fluency.example", TABLES)
    started = time.perf_counter()
    org = Organization.objects.create(name="Bench", slug=SLUG)
    try:
        with transaction.atomic(), org_context(org):
            version = framework_install(organization=org)
            departments = Department.objects.bulk_create(
                [Department(organization=org, name=f"Dept {i}") for i in range(20)]
            )
            users = User.objects.bulk_create(
                [
                    User(email=f"b{i}@bench-fluency.example", password="!")
                    for i in range(args.members)
                ]
            )
            members = Membership.objects.bulk_create(
                [
                    Membership(
                        organization=org,
                        user=u,
                        department=departments[i % 20],
                        job_track="engineering",
                    )
                    for i, u in enumerate(users)
                ]
            )
            items = list(
                Item.objects.filter(version=version, track__in=["", "engineering"]).select_related(
                    "competency"
                )
            )
            competencies = list(version.competencies.order_by("position"))
            now = timezone.now()
            stamp = now.isoformat()
            campaigns = [
                Campaign.objects.create(
                    organization=org,
                    name=f"Campaign {k}",
                    version=version,
                    opens_at=now - timedelta(days=300 - 100 * k),
                    closes_at=now - timedelta(days=280 - 100 * k),
                )
                for k in range(3)
            ]
            # Ids from the table's own sequence: row-level security hides other
            # organisations' rows, so max(id) would not be safe.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('assessments_attempt', 'id'))"
                    " FROM generate_series(1, %s)",
                    [3 * len(members)],
                )
                ids = iter([row[0] for row in cursor.fetchall()])
            attempt_rows, answer_rows, score_rows = [], [], []
            keys = [lv["key"] for lv in version.levels]
            for k, campaign in enumerate(campaigns):
                ability = rng.normal(0.45 + 0.07 * k, 0.18, size=len(members)).clip(0, 1)
                for m, a in zip(members, ability, strict=True):
                    attempt_id = next(ids)
                    item_scores = (a + rng.normal(0, 0.2, size=len(items))).clip(0, 1).round(3)
                    per = {}
                    for item, s in zip(items, item_scores, strict=True):
                        answer_rows.append(
                            (org.pk, attempt_id, item.pk, s, "auto", "[]", "", stamp, "{}")
                        )
                        per.setdefault(item.competency_id, []).append(s)
                    comp = {cid: 100 * float(np.mean(v)) for cid, v in per.items()}
                    overall = float(np.mean(list(comp.values())))
                    level = keys[sum(overall >= lv["min_score"] for lv in version.levels) - 1]
                    attempt_rows.append(
                        (
                            attempt_id,
                            org.pk,
                            campaign.pk,
                            m.pk,
                            version.pk,
                            "scored",
                            now.isoformat(),
                            now.isoformat(),
                            round(overall, 2),
                            level,
                            "pragmatist",
                            m.department_id,
                            1,
                            "[]",
                            0,
                        )
                    )
                    for c in competencies:
                        score_rows.append((org.pk, attempt_id, c.pk, round(comp[c.pk], 2), level))
            insert(
                "assessments_attempt",
                ATTEMPT_COLUMNS,
                attempt_rows,
            )
            insert(
                "assessments_answer",
                [
                    ("organization_id", "bigint"),
                    ("attempt_id", "bigint"),
                    ("item_id", "bigint"),
                    ("score", "float8"),
                    ("source", "text"),
                    ("selected", "jsonb"),
                    ("text", "text"),
                    ("updated_at", "timestamptz"),
                    ("marks", "jsonb"),
                ],
                answer_rows,
            )
            insert(
                "assessments_competencyscore",
                COMPETENCY_SCORE_COLUMNS,
                score_rows,
            )
        vacuum_analyze(TABLES)
        load = time.perf_counter() - started
        print(
            f"loaded {len(members):,} members, {len(attempt_rows):,} attempts, "
            f"{len(answer_rows):,} answers in {load:.1f} s (committed, vacuumed and analysed)"
        )
        with transaction.atomic(), org_context(org):
            scope = analytics.Scope(org)
            latest = campaigns[-1]
            page = {
                "summary": lambda: analytics.campaign_summary(scope, latest),
                "trend (3 campaigns)": lambda: analytics.trend(scope, campaigns),
                "department heatmap": lambda: analytics.department_heatmap(scope, latest),
                "item statistics (cache)": lambda: analytics.item_statistics_cached(scope, latest),
            }
            refresh_ms = median_ms(
                lambda: item_statistics_refresh(organization=org, campaign=latest), 3
            )
            total = 0.0
            for name, fn in page.items():
                ms = median_ms(fn)
                total += ms
                print(f"  {name:<24} {ms:8.1f} ms")
            print(f"  {'analytics page data':<24} {total:8.1f} ms (sum of the medians)")
            print(f"  background refresh of item statistics {refresh_ms:8.1f} ms (median of 3)")

            def floor():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT overall_level, count(*) FROM assessments_attempt"
                        " WHERE organization_id = %s AND campaign_id = %s GROUP BY 1",
                        [org.pk, latest.pk],
                    )
                    cursor.fetchall()

            def answers_floor():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT item_id, avg(score) FROM assessments_answer an"
                        " JOIN assessments_attempt a ON a.id = an.attempt_id"
                        " WHERE a.campaign_id = %s GROUP BY 1",
                        [latest.pk],
                    )
                    cursor.fetchall()

            floor_ms, answers_ms = median_ms(floor), median_ms(answers_floor)
            print(f"  baseline: one plain aggregate over attempts {floor_ms:8.1f} ms")
            print(f"  baseline: one plain aggregate over answers  {answers_ms:8.1f} ms")
    finally:
        started = time.perf_counter()
        org_remove(SLUG, "%@bench-fluency.example", TABLES)
        print(f"removed the bench organisation in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
