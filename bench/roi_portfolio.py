"""Server time of the portfolio dashboard's data, beside the raw SQL aggregate.

    PYTHONPATH=platform .venv/bin/python bench/roi_portfolio.py [--use-cases 500] [--runs 15]

Builds an organisation with 500 use cases, each with 36 months of measurements of three
metrics (one tier-2 metric in hours that converts to money, one tier-3 money metric, one
tier-1 count) and three costs (one-off, two recurring), so 54,000 measurements. Then, in
one run against the configured database:

- the median time of `roi.selectors.returns.portfolio(org)` - everything the portfolio page
  and the executive page show (per-use-case ROI, payback and NPV, the totals, stage counts,
  pilot-to-production conversion, the tier-3 share) - inside `org_context`;
- the median time of one raw SQL aggregate over the same rows: total benefit (with the
  money conversion) and total one-off cost, the floor any implementation has to pay.

The rows are deleted at the end. The issue's bar: under 200 ms at the median.
"""

import argparse
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from bench_support import median_ms  # noqa: E402  (bench/, beside this file)
from django.db import connection, transaction  # noqa: E402

from roi.finance import add_months  # noqa: E402
from roi.models import Cost, Measurement, Metric, Stage, StageChange, UseCase  # noqa: E402
from roi.selectors.returns import portfolio  # noqa: E402
from tenancy.context import org_context  # noqa: E402
from tenancy.models import Organization  # noqa: E402

RAW_SQL = """
SELECT
  (SELECT COALESCE(SUM(CASE WHEN mt.converts_to_money
                            THEN ms.value * COALESCE(mt.hourly_cost, 60) * mt.recapture_share
                            ELSE ms.value END), 0)
     FROM roi_measurement ms JOIN roi_metric mt ON mt.id = ms.metric_id
    WHERE ms.organization_id = %s
      AND (mt.converts_to_money OR (mt.tier = 3 AND mt.unit = 'currency'))),
  (SELECT COALESCE(SUM(amount), 0) FROM roi_cost WHERE organization_id = %s)
"""


def build(org, count: int) -> int:
    first = date(2024, 1, 1)
    periods = [add_months(first, m) for m in range(36)]
    stages = [Stage.PROPOSED, Stage.APPROVED, Stage.PILOT, Stage.PRODUCTION, Stage.RETIRED]
    with org_context(org):
        use_cases = UseCase.objects.bulk_create(
            UseCase(organization=org, title=f"Use case {i}", problem="p", stage=stages[i % 5])
            for i in range(count)
        )
        StageChange.objects.bulk_create(
            StageChange(organization=org, use_case=u, to_stage=Stage.PILOT)
            for u in use_cases
            if u.stage in {Stage.PILOT, Stage.PRODUCTION, Stage.RETIRED}
        )
        metrics = Metric.objects.bulk_create(
            Metric(
                organization=org,
                use_case=u,
                tier=tier,
                name=name,
                unit=unit,
                target=1,
                converts_to_money=money,
            )
            for u in use_cases
            for tier, name, unit, money in [
                (1, "Users", "count", False),
                (2, "Hours saved", "hours", True),
                (3, "Revenue", "currency", False),
            ]
        )
        rows = [
            Measurement(organization=org, metric=m, period=p, value=Decimal(100 + i % 50))
            for m in metrics
            for i, p in enumerate(periods)
        ]
        for start in range(0, len(rows), 5000):
            Measurement.objects.bulk_create(rows[start : start + 5000])
        Cost.objects.bulk_create(
            Cost(organization=org, use_case=u, category=c, kind=k, amount=a, start=first)
            for u in use_cases
            for c, k, a in [
                ("people", "one_off", Decimal(40_000)),
                ("licences", "recurring", Decimal(1_500)),
                ("inference", "recurring", Decimal(400)),
            ]
        )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--use-cases", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    org = Organization.objects.create(name="Bench ROI", slug="bench-roi-portfolio")
    try:
        measurements = build(org, args.use_cases)
        with org_context(org):
            result = portfolio(org)  # warm up, and check it sees every use case
            assert len(result.rows) == args.use_cases
            dashboard = median_ms(lambda: portfolio(org), args.runs)

            def raw() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(RAW_SQL, [org.pk, org.pk])
                    cursor.fetchone()

            raw_ms = median_ms(raw, args.runs)
    finally:
        with org_context(org), transaction.atomic():
            UseCase.objects.all().delete()
        org.delete()
    print(f"portfolio: {args.use_cases} use cases, {measurements} measurements (36 months)")
    print(
        f"portfolio dashboard data (roi.selectors.returns.portfolio), median: {dashboard:8.1f} ms"
    )
    print(f"raw SQL aggregate over the same rows, median:                      {raw_ms:8.1f} ms")
    print(f"bar: 200 ms -> {'met' if dashboard < 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
