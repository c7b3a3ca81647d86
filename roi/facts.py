"""The portfolio section of the executive dashboard and the quarterly report.

Reads the same selectors as the portfolio and use-case pages (`roi.selectors.returns`,
`.use_cases.graduation`, `.model_price`) so the figures are the pages' own. A use case is
not a person: nothing here goes through privacy (see docs/roi.md). Registered in
RoiConfig.ready (reports sits below this module).
"""

from datetime import date

from django.urls import reverse

from reports.types import Chart, Fact, Period, Section
from roi import finance, modelfit
from roi.models import Measurement, Metric, Stage, UseCase
from roi.selectors.model_price import slm_price
from roi.selectors.returns import portfolio
from roi.selectors.settings import roi_settings
from roi.selectors.use_cases import meets

MODULE = "roi"


def _at(returns, day: date) -> tuple[float, float, int | None]:
    """Realised value, invested and payback month of the series up to the end of `day`'s month."""
    rows = [r for r in returns.rows if r["month"] <= day]
    if not rows:
        return 0.0, 0.0, None
    benefits = [r["benefit"] for r in rows]
    costs = [r["cost"] for r in rows]
    return sum(benefits), sum(costs), finance.payback_month(benefits, costs)


def _roi(value: float, invested: float) -> int | None:
    return round((value - invested) / invested * 100) if invested > 0 else None


def slm_savings(organization, use_cases) -> list[tuple[str, float]]:
    """Use cases where the model-fit advice is an SLM (or SLM first) and running it that way
    costs less a month than an LLM: (title, saving a month), largest first."""
    settings = roi_settings(organization)
    prices = modelfit.Prices(
        slm_price(settings).per_request,
        float(settings.llm_unit_price),
        float(settings.human_unit_price),
        settings.route_slm_percent,
        settings.route_llm_percent,
        settings.route_human_percent,
    )
    out = []
    for uc in use_cases:
        if not uc.daily_requests or uc.stage in {Stage.REJECTED, Stage.RETIRED}:
            continue
        advice = modelfit.recommend(
            daily_requests=uc.daily_requests,
            latency=uc.latency,
            sensitivity=uc.sensitivity,
            task_type=uc.task_type,
            breadth=uc.breadth,
            edge=uc.edge,
        )
        if advice.option == modelfit.LLM:
            continue
        costs = modelfit.monthly_costs(uc.daily_requests, prices)
        saving = costs[modelfit.LLM] - costs[advice.option]
        if saving > 0:
            out.append((uc.title, round(saving, 2)))
    return sorted(out, key=lambda t: (-t[1], t[0]))


def failing_pilots(pilots: list[UseCase]) -> list[str]:
    """The pilots whose graduation criteria are defined and not met - what
    `roi.selectors.use_cases.graduation` says for each, read in two queries for all."""
    metrics = list(Metric.objects.filter(use_case__in=pilots, graduation_threshold__isnull=False))
    latest = dict(
        Measurement.objects.filter(metric__in=metrics)
        .order_by("metric_id", "-period")
        .distinct("metric_id")
        .values_list("metric_id", "value")
    )
    by_use_case: dict[int, list[Metric]] = {}
    for metric in metrics:
        by_use_case.setdefault(metric.use_case_id, []).append(metric)
    return [
        uc.title
        for uc in pilots
        if (criteria := by_use_case.get(uc.pk))
        and not all(meets(m, latest.get(m.pk)) for m in criteria)
    ]


def section(*, org, period: Period, department_id: int | None) -> Section:
    slug = {"org_slug": org.slug}
    page, list_page = reverse("roi:portfolio", kwargs=slug), reverse("roi:use_cases", kwargs=slug)
    out = Section("portfolio", "Use-case portfolio and ROI")
    use_cases = list(UseCase.objects.all())
    if department_id is not None:
        use_cases = [uc for uc in use_cases if uc.department_id == department_id]
    if not use_cases:
        out.empty = True
        out.empty_message = (
            "No use cases yet: propose the first one (or import a list), score it and track "
            "its pilot; the portfolio's stages, value and ROI appear here."
        )
        out.empty_link = reverse("roi:use_case_propose", kwargs=slug)
        return out
    source = {"module": MODULE, "period": period.label}
    # As the portfolio page computes it (to today); a past quarter is its series cut at
    # the quarter's end.
    data = portfolio(org)
    stage_counts = {s: 0 for s in Stage.values}
    for uc in use_cases:
        stage_counts[uc.stage] += 1
    if department_id is None:
        value, invested, payback = _at(data.total, period.end)
        previous_value, previous_invested, _ = _at(data.total, period.previous().end)
        share = None if data.tier3_share is None else round(100 * data.tier3_share)
        money_query = "roi.selectors.returns.portfolio (total, up to the period's end)"
    else:
        ids = {uc.pk for uc in use_cases}
        rows = [r for r in data.rows if r["pk"] in ids]
        value = sum(r["summary"].value for r in rows)
        invested = sum(r["summary"].invested for r in rows)
        payback, previous_value, previous_invested = None, None, None
        initiatives = [r for r in rows if r["stage"] in {"pilot", "production", "retired"}]
        share = (
            round(100 * sum(r["measured"] for r in initiatives) / len(initiatives))
            if initiatives
            else None
        )
        money_query = "roi.selectors.returns.portfolio (rows of the department, to date)"
    pilots = [uc for uc in use_cases if uc.stage == Stage.PILOT]
    failing = failing_pilots(pilots)
    savings = slm_savings(org, use_cases)
    q = lambda query: {**source, "query": query}  # noqa: E731
    out.facts += [
        Fact(
            "roi.use_cases", "Use cases", len(use_cases), "count", q("roi.UseCase count"), list_page
        ),
        Fact(
            "roi.in_production",
            "In production",
            stage_counts[Stage.PRODUCTION],
            "count",
            q("roi.UseCase by stage"),
            f"{list_page}?stage=production",
        ),
        Fact(
            "roi.pilots",
            "In pilot",
            stage_counts[Stage.PILOT],
            "count",
            q("roi.UseCase by stage"),
            f"{list_page}?stage=pilot",
        ),
        Fact(
            "roi.pilots_failing_graduation",
            "Pilots not meeting graduation criteria",
            len(failing),
            "count",
            q("roi.selectors.use_cases.graduation per pilot"),
            f"{list_page}?stage=pilot",
        ),
        Fact(
            "roi.pilots_failing_names",
            "Those pilots",
            ", ".join(failing),
            "text",
            q("roi.selectors.use_cases.graduation per pilot"),
            f"{list_page}?stage=pilot",
        ),
        Fact(
            "roi.pilot_conversion",
            "Pilot to production",
            None if data.conversion is None else round(100 * data.conversion),
            "percent",
            q("roi.selectors.returns.portfolio (conversion)"),
            page,
        ),
        Fact(
            "roi.realised_value",
            "Realised value",
            round(value),
            "money",
            q(money_query),
            page,
            previous=None if previous_value is None else round(previous_value),
        ),
        Fact(
            "roi.invested",
            "Invested",
            round(invested),
            "money",
            q(money_query),
            page,
            previous=None if previous_invested is None else round(previous_invested),
        ),
        Fact(
            "roi.roi_pct",
            "ROI",
            _roi(value, invested),
            "percent",
            q(money_query),
            page,
            previous=None if previous_value is None else _roi(previous_value, previous_invested),
        ),
        Fact(
            "roi.payback_months",
            "Payback (months from the first cost)",
            payback,
            "months",
            q(money_query),
            page,
        ),
        Fact(
            "roi.share_measured_financial",
            "Initiatives with measured financial impact",
            share,
            "percent",
            q("roi.selectors.returns.portfolio (tier3_share)"),
            page,
        ),
        Fact(
            "roi.slm_savings_month",
            "Monthly saving where an SLM fits",
            round(sum(s for _, s in savings)),
            "money",
            q("roi.modelfit.recommend and monthly_costs per use case"),
            list_page,
        ),
        Fact(
            "roi.slm_savings_names",
            "Where",
            ", ".join(t for t, _ in savings[:3]),
            "text",
            q("roi.modelfit.recommend per use case"),
            list_page,
        ),
    ]
    out.charts.append(
        Chart(
            "roi.use_cases_by_stage",
            "Use cases by stage",
            "bar",
            ["stage", "use cases"],
            [[Stage(s).label, n] for s, n in stage_counts.items()],
        )
    )
    return out
