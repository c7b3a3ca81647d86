"""ROI figures per use case and for the portfolio.

Benefits are summed in PostgreSQL per use case and month (one query), costs are read as
rows and expanded into months, and `roi.finance` does the arithmetic. Nothing here is a
figure about people: the portfolio counts use cases, never persons, so `privacy` has
nothing to protect (see docs/roi.md).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, DecimalField, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from roi import finance
from roi.models import Cost, Measurement, Metric, Stage, StageChange, Unit, UseCase
from roi.selectors.settings import roi_settings

MONEY = DecimalField(max_digits=20, decimal_places=4)


def _money_filter() -> Q:
    direct = Q(metric__tier=Metric.Tier.FINANCIAL, metric__unit=Unit.CURRENCY)
    return direct | Q(metric__converts_to_money=True)


def _benefits(organization, use_case_ids=None) -> dict[int, dict[date, float]]:
    """Money per use case and month: tier-3 money as measured, tier-2 hours converted.
    Summed in PostgreSQL and returned as floats (one row per use case and month)."""
    hourly_default = roi_settings(organization).loaded_hourly_cost
    money = Case(
        When(
            metric__converts_to_money=True,
            then=F("value")
            * Coalesce(F("metric__hourly_cost"), Value(hourly_default, output_field=MONEY))
            * F("metric__recapture_share"),
        ),
        default=F("value"),
        output_field=MONEY,
    )
    rows = Measurement.objects.filter(_money_filter())
    if use_case_ids is not None:
        rows = rows.filter(metric__use_case_id__in=use_case_ids)
    rows = (
        rows.values("metric__use_case_id", "period")
        .annotate(total=Cast(Sum(money), FloatField()))
        .values_list("metric__use_case_id", "period", "total")
        .order_by()
    )
    result: dict[int, dict[date, float]] = defaultdict(dict)
    for use_case_id, period, total in rows:
        result[use_case_id][period] = total
    return result


def _costs(use_case_ids=None) -> dict[int, list[finance.CostItem]]:
    rows = Cost.objects.all()
    if use_case_ids is not None:
        rows = rows.filter(use_case_id__in=use_case_ids)
    result: dict[int, list[finance.CostItem]] = defaultdict(list)
    for use_case_id, kind, amount, start, end in rows.values_list(
        "use_case_id", "kind", "amount", "start", "end"
    ):
        result[use_case_id].append(finance.CostItem(kind, float(amount), start, end))
    return result


@dataclass(frozen=True)
class Returns:
    months: list[date]
    benefits: list[float]
    costs: list[float]
    summary: finance.Summary

    @property
    def rows(self) -> list[dict]:
        """Month by month, with running totals: the table view and CSV of the chart."""
        out, cumulative_benefit, cumulative_cost = [], 0.0, 0.0
        for month, benefit, cost in zip(self.months, self.benefits, self.costs, strict=True):
            cumulative_benefit += benefit
            cumulative_cost += cost
            out.append(
                {
                    "month": month,
                    "benefit": benefit,
                    "cost": cost,
                    "cumulative_benefit": cumulative_benefit,
                    "cumulative_cost": cumulative_cost,
                }
            )
        return out


def _returns(
    benefits: dict[date, float], costs: list[finance.CostItem], *, rate, confidence, today: date
) -> Returns:
    starts = [*benefits, *(c.start for c in costs)]
    if not starts:
        return Returns(
            [], [], [], finance.summarise([], [], yearly_rate=rate, confidence=confidence)
        )
    last = max([finance.month_start(today), *benefits])
    months = finance.months_between(min(starts), last)
    benefit_series = [benefits.get(m, 0.0) for m in months]
    cost_series = finance.cost_series(costs, months)
    return Returns(
        months,
        benefit_series,
        cost_series,
        finance.summarise(benefit_series, cost_series, yearly_rate=rate, confidence=confidence),
    )


def use_case_returns(use_case: UseCase, *, today: date | None = None) -> Returns:
    settings = roi_settings(use_case.organization)
    return _returns(
        _benefits(use_case.organization, [use_case.pk]).get(use_case.pk, {}),
        _costs([use_case.pk]).get(use_case.pk, []),
        rate=float(settings.discount_rate),
        confidence=float(use_case.confidence),
        today=today or timezone.localdate(),
    )


INITIATIVE_STAGES = {Stage.PILOT, Stage.PRODUCTION, Stage.RETIRED}


@dataclass(frozen=True)
class Portfolio:
    rows: list[dict]  # one per use case with money or an initiative stage
    total: Returns
    stage_counts: dict[str, int]
    piloted: int
    reached_production: int
    initiatives: int
    initiatives_with_tier3: int

    @property
    def conversion(self) -> float | None:
        return self.reached_production / self.piloted if self.piloted else None

    @property
    def tier3_share(self) -> float | None:
        return self.initiatives_with_tier3 / self.initiatives if self.initiatives else None


def portfolio(organization, *, today: date | None = None) -> Portfolio:
    today = today or timezone.localdate()
    settings = roi_settings(organization)
    rate = float(settings.discount_rate)
    benefits, costs = _benefits(organization), _costs()
    use_cases = list(UseCase.objects.values("pk", "title", "stage", "confidence"))
    rows, all_benefits, all_costs = [], defaultdict(float), []
    for uc in use_cases:
        b, c = benefits.get(uc["pk"], {}), costs.get(uc["pk"], [])
        if not b and not c and uc["stage"] not in INITIATIVE_STAGES:
            continue
        returns = _returns(b, c, rate=rate, confidence=float(uc["confidence"]), today=today)
        rows.append({**uc, "summary": returns.summary, "measured": bool(b)})
        for month, value in b.items():
            all_benefits[month] += value
        all_costs.extend(c)
    stage_counts = {stage: 0 for stage in Stage.values}
    for uc in use_cases:
        stage_counts[uc["stage"]] += 1
    reached = StageChange.objects.filter(to_stage__in=[Stage.PILOT, Stage.PRODUCTION])
    reached = reached.values("to_stage").annotate(n=Count("use_case", distinct=True))
    reached_by_stage = {r["to_stage"]: r["n"] for r in reached}
    initiatives = [r for r in rows if r["stage"] in INITIATIVE_STAGES]
    rows.sort(key=lambda r: r["summary"].net, reverse=True)
    return Portfolio(
        rows=rows,
        total=_returns(all_benefits, all_costs, rate=rate, confidence=1.0, today=today),
        stage_counts=stage_counts,
        piloted=reached_by_stage.get(Stage.PILOT, 0),
        reached_production=reached_by_stage.get(Stage.PRODUCTION, 0),
        initiatives=len(initiatives),
        initiatives_with_tier3=sum(1 for r in initiatives if r["measured"]),
    )
