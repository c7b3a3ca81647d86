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


ORG_WIDE = " (whole organisation)"


# Figures that are not about a period (decisions on tools, leadership's estimate, declared
# spend): the previous period's would be today's again, so they get no "previous", and the
# previous period's facts do not compute them.
NOT_PER_PERIOD = {
    "shadow.tools_unreviewed",
    "shadow.leadership_estimate",
    "shadow.personal_spend_month",
    "shadow.licence_cost_month",
}


def _facts(
    org, period: Period, department_id: int | None = None, *, per_period_only: bool = False
) -> tuple[list[Fact], list[Chart], bool]:
    p = _period(period)
    inv = inv_selectors.inventory(organization=org, period=p)
    gap = insights.perception_gap(organization=org, period=p, detected=inv.detected)
    link = reverse("shadow_ai:inventory", kwargs={"org_slug": org.slug})
    insights_link = reverse("shadow_ai:insights", kwargs={"org_slug": org.slug})
    # Under a department filter, what the rollups can split by department is that
    # department's; the rest (decisions on tools, leadership's estimate and the gap to it,
    # declared spend) is organisation-wide and its label says so.
    whole = ORG_WIDE if department_id is not None else ""

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

    if department_id is None:
        rows = inv.rows
        prohibited = [r for r in rows if r.tool.status == ToolStatus.PROHIBITED]
        high = [r for r in rows if r.risk.band == "high" and not r.suppressed]
        published = [r for r in rows if not r.suppressed]
        # Events over the whole organisation: a sum over its people, published with the
        # organisation-wide release (withheld when fewer than the threshold use AI at all).
        withheld = gap.release.total.suppressed
        events = sum(int(r.events or 0) for r in published)
        high_events = sum(int(r.events or 0) for r in high)
        sensitive = sum(int(r.sensitive_events or 0) for r in published)
        detected_pct = gap.detected_pct
        tools_label = "AI tools in use"
    else:
        # The department's row of the perception-gap release (privacy rule 5) says whether
        # it may be shown at all; its tools and requests are the heatmap's published cells.
        try:
            people = gap.release.view([department_id], key=department_id)
            share = inv_selectors.department_share(inv, department_id)
        except KeyError:  # no such department in this organisation
            people, share = None, inv_selectors.DepartmentShare(department_id, [])
        withheld = people is None or people.suppressed
        rows = share.rows
        prohibited = [r for r in rows if r.tool.status == ToolStatus.PROHIBITED]
        events = share.total("events")
        high_events = share.total("events", band="high")
        sensitive = share.total("sensitive")
        mean = None if withheld else people.mean("detected")
        detected_pct = None if mean is None else round(100 * mean, 1)
        tools_label = f"AI tools used by {inv.threshold} or more people here"
    facts = [
        fact(
            "shadow.tools_detected",
            tools_label,
            len(rows),
            "count",
            "inventory",
            suppressed=department_id is not None and withheld,
        ),
        fact(
            "shadow.tools_unreviewed",
            "Tools waiting for a decision" + whole,
            None if per_period_only else Tool.objects.filter(status=ToolStatus.UNREVIEWED).count(),
            "count",
            "unreviewed_tools",
        ),
        fact(
            "shadow.prohibited_in_use",
            "Prohibited tools still in use",
            len(prohibited),
            "count",
            "inventory status=prohibited",
            suppressed=department_id is not None and withheld,
        ),
        fact(
            "shadow.prohibited_names",
            "Prohibited tools in use",
            ", ".join(r.tool.name for r in prohibited),
            "text",
            "inventory status=prohibited",
            suppressed=department_id is not None and withheld,
        ),
        fact(
            "shadow.high_risk_events",
            "Requests to high-risk tools",
            high_events,
            "count",
            "inventory risk band=high",
            suppressed=department_id is not None and withheld,
        ),
        fact(
            "shadow.events",
            "Requests to AI tools",
            events,
            "count",
            "inventory",
            suppressed=withheld,
        ),
        fact(
            "shadow.sensitive_events",
            "Requests carrying personal data",
            sensitive,
            "count",
            "inventory",
            suppressed=withheld,
        ),
        fact(
            "shadow.detected_share",
            "Employees seen using AI",
            detected_pct,
            "percent",
            "perception_gap",
            suppressed=detected_pct is None,
            url=insights_link,
        ),
        fact(
            "shadow.leadership_estimate",
            "Leadership's estimate" + whole,
            gap.estimate_pct,
            "percent",
            "settings",
            url=insights_link,
        ),
        fact(
            "shadow.perception_gap",
            "Perception gap" + whole,
            gap.gap_pp,
            "pp",
            "perception_gap",
            suppressed=gap.gap_pp is None,
            url=insights_link,
        ),
    ]
    if not per_period_only:
        facts += _spend_facts(org, fact, whole, insights_link)
    if department_id is not None:
        rows = [] if withheld else rows
    chart = Chart(
        key="shadow.risk_by_tool",
        title="Risk score by tool",
        kind="bar",
        columns=["tool", "risk"],
        rows=[[r.tool.name, r.risk.score] for r in rows[:15]],
    )
    return facts, [chart] if rows else [], inv.empty


def _spend_facts(org, fact, whole: str, insights_link: str) -> list[Fact]:
    spend = insights.personal_spend(organization=org)
    return [
        fact(
            "shadow.personal_spend_month",
            "Personal spend on AI tools a month" + whole,
            spend.spend,
            "money",
            "personal_spend",
            suppressed=spend.total.suppressed,
            url=insights_link,
        ),
        fact(
            "shadow.licence_cost_month",
            "Enterprise seats that would replace it, a month" + whole,
            spend.licence_cost if spend.licence_cost is not None else Decimal("0.00"),
            "money",
            "personal_spend",
            suppressed=spend.total.suppressed,
            url=insights_link,
        ),
    ]


def section(*, org, period: Period, department_id: int | None = None) -> Section:
    """The facts for one period, of one department where department_id is given: its
    tools, requests, high-risk and sensitive requests and share of people using AI, each
    through privacy; the figures that are not split carry "(whole organisation)"."""
    facts, charts, empty = _facts(org, period, department_id)
    previous_facts, _, _ = _facts(org, period.previous(), department_id, per_period_only=True)
    before = {f.key: f for f in previous_facts if f.key not in NOT_PER_PERIOD}
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
