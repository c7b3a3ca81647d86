"""Insights: the perception gap, declared against detected, personal spend against the
licence that would replace it. Every figure about people comes out of a privacy release.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

import privacy
from shadow_ai.models import Declaration, Tool
from shadow_ai.selectors.inventory import (
    NO_DEPARTMENT,
    Period,
    _rows,
    default_period,
    departments,
    shadow_settings,
)
from tenancy.context import current_org_id
from tenancy.models import Membership


def detected_members_by_department(period: Period) -> dict[object, int]:
    """Members seen using any AI tool in the period, per department."""
    rows = _rows(
        """
        SELECT department_id, count(DISTINCT membership_id)
        FROM shadow_ai_dailyrollup
        WHERE organization_id = %(org)s AND day BETWEEN %(start)s AND %(end)s
          AND membership_id IS NOT NULL
        GROUP BY 1
        """,
        {"org": current_org_id(), "start": period.start, "end": period.end},
    )
    return {(d or NO_DEPARTMENT): n for d, n in rows}


def _members_by_department() -> dict[object, int]:
    rows = (
        Membership.objects.filter(is_active=True)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["department_id"] or NO_DEPARTMENT): r["n"] for r in rows}


def _declarers_by_department() -> dict[object, int]:
    rows = (
        Declaration.objects.filter(membership__is_active=True)
        .values("membership__department_id")
        .annotate(n=Count("membership_id", distinct=True))
        .order_by()
    )
    return {(r["membership__department_id"] or NO_DEPARTMENT): r["n"] for r in rows}


@dataclass
class PerceptionGap:
    release: privacy.Release  # per department: members, sums detected / declared
    estimate_pct: int
    names: dict

    @property
    def detected_pct(self) -> float | None:
        share = self.release.total.mean("detected")
        return None if share is None else round(100 * share, 1)

    @property
    def declared_pct(self) -> float | None:
        share = self.release.total.mean("declared")
        return None if share is None else round(100 * share, 1)

    @property
    def gap_pp(self) -> float | None:
        detected = self.detected_pct
        return None if detected is None else round(detected - self.estimate_pct, 1)


def perception_gap(
    *, organization, period: Period | None = None, detected: dict[object, int] | None = None
) -> PerceptionGap:
    """Share of members detected using AI (and declaring it) against leadership's estimate.
    One release per department with both measures, so the page's table and headline are
    suppressed together."""
    period = period or default_period()
    names = departments()
    members = _members_by_department()
    if detected is None:  # else the inventory's own pass over the rollups counted them
        detected = detected_members_by_department(period)
    declared = _declarers_by_department()
    groups = [
        privacy.Group(
            key,
            members.get(key, 0),
            {
                "detected": min(detected.get(key, 0), members.get(key, 0)),
                "declared": declared.get(key, 0),
            },
        )
        for key in names
    ]
    release = privacy.protect(groups, threshold=privacy.threshold_for(organization))
    return PerceptionGap(release, shadow_settings().leadership_estimate_pct, names)


@dataclass
class ToolComparison:
    tool: str
    declared: privacy.Cell
    detected: privacy.Cell


def declared_vs_detected_by_tool(*, organization, inventory) -> list[ToolComparison]:
    """Per tool: people who declared it and people detected using it (each its own
    population, shown only when it covers the threshold)."""
    threshold = privacy.threshold_for(organization)
    declared = dict(
        Declaration.objects.filter(tool__isnull=False, membership__is_active=True)
        .values("tool_id")
        .annotate(n=Count("membership_id", distinct=True))
        .values_list("tool_id", "n")
    )
    rows = []
    seen = set()
    for row in inventory.rows:
        seen.add(row.tool.pk)
        rows.append(
            ToolComparison(
                row.tool.name,
                privacy.protect_population(declared.get(row.tool.pk, 0), threshold=threshold),
                row.release.total,
            )
        )
    for tool in Tool.objects.filter(pk__in=set(declared) - seen):
        rows.append(
            ToolComparison(
                tool.name,
                privacy.protect_population(declared[tool.pk], threshold=threshold),
                privacy.protect_population(0, threshold=threshold),
            )
        )
    return rows


@dataclass
class SpendRow:
    tool: Tool | None
    name: str
    cell: privacy.Cell  # payers; sums spend
    seat_price: Decimal | None

    @property
    def licence_cost(self) -> Decimal | None:
        if self.cell.suppressed or self.seat_price is None:
            return None
        return (self.seat_price * self.cell.count).quantize(Decimal("0.01"))

    @property
    def spend(self) -> Decimal | None:
        value = self.cell.sum("spend")
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class PersonalSpend:
    rows: list[SpendRow]
    total: privacy.Cell

    @property
    def spend(self) -> Decimal | None:
        value = self.total.sum("spend")
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    @property
    def licence_cost(self) -> Decimal | None:
        """Enterprise seats for the payers of the published tools that have a seat price."""
        if self.total.suppressed:
            return None
        costs = [r.licence_cost for r in self.rows if r.licence_cost is not None]
        return sum(costs, Decimal("0.00")) if costs else None


def personal_spend(*, organization) -> PersonalSpend:
    """What people pay for AI tools out of their own pocket (self-declared, per month),
    against what enterprise seats for them would cost (the catalogue's price per seat).

    Groups are per tool: people paying for that tool, summing their monthly spend. A person
    paying for two tools is in two groups (the unit is a person-tool pair)."""
    threshold = privacy.threshold_for(organization)
    per_tool: dict[object, list] = defaultdict(lambda: [0, Decimal(0)])
    names: dict[object, str] = {}
    declarations = Declaration.objects.filter(
        pays_personally=True, membership__is_active=True
    ).select_related("tool__catalogue_tool")
    for d in declarations:
        key = d.tool_id or f"name:{d.tool_name.strip().lower()}"
        names.setdefault(key, d.tool.name if d.tool else d.tool_name.strip())
        per_tool[key][0] += 1
        per_tool[key][1] += d.monthly_personal_cost or Decimal(0)
    tools = {
        t.pk: t
        for t in Tool.objects.filter(
            pk__in=[k for k in per_tool if isinstance(k, int)]
        ).select_related("catalogue_tool")
    }
    groups = [
        privacy.Group(key, count, {"spend": float(spend)})
        for key, (count, spend) in sorted(per_tool.items(), key=lambda kv: str(names[kv[0]]))
    ]
    release = privacy.protect(groups, threshold=threshold)
    rows = []
    for cell in release.cells:
        tool = tools.get(cell.key) if isinstance(cell.key, int) else None
        price = None
        if tool and tool.catalogue_tool and tool.catalogue_tool.enterprise_plan:
            price = tool.catalogue_tool.price_per_seat_month
        rows.append(SpendRow(tool, names[cell.key], cell, price))
    return PersonalSpend(rows, release.total)
