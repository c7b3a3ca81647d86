"""The shadow-AI section of the executive dashboard and the quarterly report.

Reads the inventory and insight selectors the pages use, so the figures are the pages' own,
and every figure about people comes out of their privacy releases (a withheld figure is a
Fact with suppressed=True). Registered in ShadowAiConfig.ready (reports sits below).
"""

from decimal import Decimal

from django.urls import reverse

from reports.types import Chart, Fact, Period, Section
from shadow_ai.models import DailyRollup, Tool, ToolStatus
from shadow_ai.selectors import insights
from shadow_ai.selectors import inventory as inv_selectors

MODULE = "shadow_ai"


def _period(period: Period) -> inv_selectors.Period:
    return inv_selectors.Period(period.start, period.end)


def _facts(org, period: Period) -> tuple[list[Fact], list[Chart], bool]:
    p = _period(period)
    inv = inv_selectors.inventory(organization=org, period=p)
    gap = insights.perception_gap(organization=org, period=p, detected=inv.detected)
    spend = insights.personal_spend(organization=org)
    link = reverse("shadow_ai:inventory", kwargs={"org_slug": org.slug})
    insights_link = reverse("shadow_ai:insights", kwargs={"org_slug": org.slug})

    def fact(key, label, value, unit, query, *, suppressed=False, url=link) -> Fact:
        return Fact(
            key=key,
            label=label,
            value=None if suppressed else value,
            unit=unit,
            source={"module": MODULE, "query": query, "period": period.label},
            link=url,
            suppressed=suppressed,
        )

    prohibited = [r for r in inv.rows if r.tool.status == ToolStatus.PROHIBITED]
    high = [r for r in inv.rows if r.risk.band == "high" and not r.suppressed]
    # Events over the whole organisation: a sum over its people, published with the
    # organisation-wide release (withheld when fewer than the threshold use AI at all).
    detected_total = gap.release.total
    events_total = sum(int(r.events or 0) for r in inv.rows if not r.suppressed)
    facts = [
        fact("shadow.tools_detected", "AI tools in use", len(inv.rows), "count", "inventory"),
        fact(
            "shadow.tools_unreviewed",
            "Tools waiting for a decision",
            Tool.objects.filter(status=ToolStatus.UNREVIEWED).count(),
            "count",
            "unreviewed_tools",
        ),
        fact(
            "shadow.prohibited_in_use",
            "Prohibited tools still in use",
            len(prohibited),
            "count",
            "inventory status=prohibited",
        ),
        fact(
            "shadow.prohibited_names",
            "Prohibited tools in use",
            ", ".join(r.tool.name for r in prohibited),
            "text",
            "inventory status=prohibited",
        ),
        fact(
            "shadow.high_risk_events",
            "Requests to high-risk tools",
            sum(int(r.events or 0) for r in high),
            "count",
            "inventory risk band=high",
        ),
        fact(
            "shadow.events",
            "Requests to AI tools",
            events_total,
            "count",
            "inventory",
            suppressed=detected_total.suppressed,
        ),
        fact(
            "shadow.detected_share",
            "Employees seen using AI",
            gap.detected_pct,
            "percent",
            "perception_gap",
            suppressed=gap.detected_pct is None,
            url=insights_link,
        ),
        fact(
            "shadow.leadership_estimate",
            "Leadership's estimate",
            gap.estimate_pct,
            "percent",
            "settings",
            url=insights_link,
        ),
        fact(
            "shadow.perception_gap",
            "Perception gap",
            gap.gap_pp,
            "pp",
            "perception_gap",
            suppressed=gap.gap_pp is None,
            url=insights_link,
        ),
        fact(
            "shadow.personal_spend_month",
            "Personal spend on AI tools a month",
            spend.spend,
            "money",
            "personal_spend",
            suppressed=spend.total.suppressed,
            url=insights_link,
        ),
        fact(
            "shadow.licence_cost_month",
            "Enterprise seats that would replace it, a month",
            spend.licence_cost if spend.licence_cost is not None else Decimal("0.00"),
            "money",
            "personal_spend",
            suppressed=spend.total.suppressed,
            url=insights_link,
        ),
    ]
    chart = Chart(
        key="shadow.risk_by_tool",
        title="Risk score by tool",
        kind="bar",
        columns=["tool", "risk"],
        rows=[[r.tool.name, r.risk.score] for r in inv.rows[:15]],
    )
    return facts, [chart] if inv.rows else [], inv.empty


def section(*, org, period: Period, department_id: int | None = None) -> Section:
    """The facts for one period; department_id narrows nothing yet (the inventory is
    organisation-wide), so a department view shows the same section."""
    facts, charts, empty = _facts(org, period)
    previous_facts, _, _ = _facts(org, period.previous())
    before = {f.key: f for f in previous_facts}
    for f in facts:
        old = before.get(f.key)
        if old is not None and old.available and f.unit != "text":
            f.previous = old.value
    no_data = empty and not DailyRollup.objects.exists()
    return Section(
        key="shadow_ai",
        title="Shadow AI",
        facts=facts,
        charts=charts,
        empty=no_data,
        empty_message="No gateway logs yet: upload one to see which AI tools people use."
        if no_data
        else "",
        empty_link=reverse("shadow_ai:inventory", kwargs={"org_slug": org.slug}),
    )
