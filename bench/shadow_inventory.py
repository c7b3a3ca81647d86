"""The shadow-AI inventory page's data for 10 million events, next to its SQL floor.

    PYTHONPATH=platform .venv/bin/python bench/shadow_inventory.py [--events 10000000]

An organisation of --members people (300, Acme's size) in 10 departments uses 150 tools
over 90 days, each person 5 tools on about 40% of days; the daily
rollups (what ingestion maintains, one row per day, tool and identity) are generated in SQL
with generate_series, in the organisation's context (row-level security on), so that
their events add up to --events. They are committed and analysed (as the owner role, as
autovacuum would: the runtime role may not ANALYZE), measured, then deleted again.

Figures, each the median of 7 runs:
- the page's data: the inventory (per tool and department, through privacy, with risk
  scores), the heatmap and the insights (perception gap) - what the inventory, heatmap
  and insights pages compute on the server;
- the floor: the one GROUP BY over the rollups that the page needs, alone;
- a trivial baseline: count(*) and sum(events) over the organisation's rollups.
"""

import argparse
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

from bench_support import median_ms  # noqa: E402  (bench/, beside this file)
from django.db import connection, connections, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from shadow_ai.models import IdentityAlias, Tool  # noqa: E402
from shadow_ai.selectors import insights  # noqa: E402
from shadow_ai.selectors.inventory import (  # noqa: E402
    default_period,
    heatmap,
    inventory,
    usage,
)
from tenancy.context import org_context  # noqa: E402
from tenancy.models import Department, Membership, Organization  # noqa: E402

TRACKS = ["engineering", "sales", "marketing", "finance", "hr", "customer_support"]


def usage_generate(org, members: list, *, tools: int, events: int, end) -> list:
    """Shadow-AI usage as ingestion leaves it, in the organisation's context: an email alias
    per member, `tools` tools, and daily rollups over the 90 days up to `end` - each member
    uses 5 tools (popular ones more often) on about 40% of days, events per row chosen so
    that they add up to about `events`. Returns the tools."""
    aliases = IdentityAlias.objects.bulk_create(
        [
            IdentityAlias(organization=org, kind="email", value=m.user.email, membership=m)
            for m in members
        ]
    )
    created = Tool.objects.bulk_create(
        [
            Tool(organization=org, name=f"Tool {i}", source="discovered", category="chat")
            for i in range(tools)
        ]
    )
    # Row count ~ members x 5 x 90 x 0.4; events per row make the total.
    per_row = max(1, round(events / (len(members) * 5 * 90 * 0.4)))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO shadow_ai_dailyrollup
                (organization_id, day, tool_id, identity_id, membership_id,
                 department_id, events, bytes, sensitive_events)
            SELECT %(org)s, %(end)s::date - d,
                   t.tools[1 + (m.i * 7 + k * 13) %% %(ntools)s],
                   m.alias, m.member, m.dept, %(per)s, %(per)s * 900,
                   CASE WHEN (m.i + d + k) %% 20 = 0 THEN 1 ELSE 0 END
            FROM unnest(%(aliases)s::bigint[], %(members)s::bigint[],
                        %(depts)s::bigint[]) WITH ORDINALITY AS m(alias, member, dept, i)
            CROSS JOIN generate_series(0, 4) AS k
            CROSS JOIN generate_series(0, 89) AS d
            CROSS JOIN (SELECT %(tools)s::bigint[] AS tools) AS t
            WHERE (m.i * 31 + d * 17 + k * 7) %% 5 < 2
            """,
            {
                "org": org.pk,
                "end": end,
                "ntools": len(created),
                "per": per_row,
                "aliases": [a.pk for a in aliases],
                "members": [m.pk for m in members],
                "depts": [m.department_id for m in members],
                "tools": [t.pk for t in created],
            },
        )
    return created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    # Acme's size; at 2,000 members the same events make 6.7 times as many rollup rows.
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--tools", type=int, default=150)
    parser.add_argument("--explain", action="store_true", help="print the floor's plan")
    args = parser.parse_args()
    period = default_period()
    Organization.objects.filter(slug="bench-shadow-inventory").delete()
    started = time.perf_counter()
    org = Organization.objects.create(name="Bench", slug="bench-shadow-inventory")
    try:
        with transaction.atomic(), org_context(org):
            departments = Department.objects.bulk_create(
                [Department(organization=org, name=f"Dept {i}") for i in range(10)]
            )
            users = User.objects.bulk_create(
                [User(email=f"s{i}@bench.example", password="!") for i in range(args.members)]
            )
            members = Membership.objects.bulk_create(
                [
                    Membership(
                        organization=org,
                        user=u,
                        department=departments[i % 10],
                        job_track=TRACKS[i % len(TRACKS)],
                    )
                    for i, u in enumerate(users)
                ]
            )
            tools = usage_generate(
                org, members, tools=args.tools, events=args.events, end=period.end
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*), sum(events) FROM shadow_ai_dailyrollup "
                    "WHERE organization_id = %s",
                    [org.pk],
                )
                rollups, events = cursor.fetchone()
        with connections["owner"].cursor() as cursor:
            cursor.execute("ANALYZE shadow_ai_dailyrollup")
        load_s = time.perf_counter() - started
        with org_context(org):

            def page() -> None:
                inv = inventory(organization=org, period=period)
                heatmap(inv)
                insights.perception_gap(organization=org, period=period, detected=inv.detected)

            def floor() -> None:
                usage(period)

            def trivial() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*), sum(events) FROM shadow_ai_dailyrollup "
                        "WHERE organization_id = %s",
                        [org.pk],
                    )
                    cursor.fetchone()

            if args.explain:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL work_mem = '64MB'")
                    cursor.execute(
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT tool_id, department_id, "
                        "membership_id, sum(events), sum(sensitive_events) FROM "
                        "shadow_ai_dailyrollup WHERE organization_id = %s AND day BETWEEN "
                        "%s AND %s GROUP BY 1, 2, 3",
                        [org.pk, period.start, period.end],
                    )
                    print("\n".join(r[0] for r in cursor.fetchall()))
            page()  # warm the caches once, as a running server has them
            page_ms = median_ms(page)
            floor_ms = median_ms(floor)
            trivial_ms = median_ms(trivial)
            tools_shown = len(inventory(organization=org, period=period).rows)
            print(
                f"{events:,} events in {rollups:,} daily rollup rows "
                f"({args.members:,} members, {len(tools)} tools, 90 days; loaded in {load_s:.1f} s)"
            )
            print(
                f"inventory + heatmap + insights data : {page_ms:8.1f} ms median "
                f"({tools_shown} tools)"
            )
            print(f"floor: the inventory's GROUP BY     : {floor_ms:8.1f} ms median")
            print(f"baseline: count(*), sum(events)     : {trivial_ms:8.1f} ms median")
        print(f"target: page data under 200 ms -> {'met' if page_ms < 200 else 'NOT met'}")
    finally:
        with org_context(org), connection.cursor() as cursor:
            for table in ("shadow_ai_dailyrollup", "shadow_ai_identityalias", "shadow_ai_tool"):
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org.pk])
        with org_context(org):
            Membership.objects.all().delete()
            Department.objects.all().delete()
        User.objects.filter(email__endswith="@bench.example").delete()
        org.delete()
        with connections["owner"].cursor() as cursor:
            # Dead rows of a deleted run would slow the next run's scans.
            cursor.execute("VACUUM ANALYZE shadow_ai_dailyrollup")


if __name__ == "__main__":
    main()
