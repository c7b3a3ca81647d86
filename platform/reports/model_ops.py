"""The model-operations section: the organisation's own model calls in the period, and
what the same tokens would have cost at LLM API prices (the evidence for SLM-first).

Model calls are not people: nothing here goes through privacy.
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from reports.types import Chart, Fact, Period, Section
from slm.selectors import period_costs


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    return start, end


def section(*, org, period: Period, department_id: int | None) -> Section:
    out = Section("model_ops", "Model operations")
    link = reverse("slm:model_operations", kwargs={"org_slug": org.slug})
    now = period_costs(**dict(zip(("start", "end"), _bounds(period), strict=True)))
    before = period_costs(**dict(zip(("start", "end"), _bounds(period.previous()), strict=True)))
    if not now["calls"]:
        out.empty = True
        out.empty_message = (
            "No model calls in this period: scoring written answers, drafting reports and "
            "classifying tools run on the platform's own small model and are counted here."
        )
        out.empty_link = link
        return out
    source = {"module": "slm", "query": "slm.selectors.period_costs", "period": period.label}
    cost, llm = round(now["slm_cost"], 2), round(now["llm_cost"], 2)
    out.facts += [
        Fact(
            "ops.calls",
            "Model calls",
            now["calls"],
            "count",
            source,
            link,
            previous=before["calls"] or None,
        ),
        Fact(
            "ops.cost",
            "Cost on own hardware",
            cost,
            "money",
            source,
            link,
            previous=round(before["slm_cost"], 2) if before["calls"] else None,
        ),
        Fact(
            "ops.llm_equivalent_cost", "Same tokens at LLM API prices", llm, "money", source, link
        ),
        Fact(
            "ops.savings",
            "Saved against the LLM price",
            round(llm - cost, 2),
            "money",
            source,
            link,
        ),
    ]
    out.charts.append(
        Chart(
            "ops.by_task",
            "Model calls by task",
            "bar",
            ["task", "calls"],
            [[t, n] for t, n in sorted(now["by_task"].items(), key=lambda kv: -kv[1])],
        )
    )
    return out
