"""The financial formulas, as pure functions over monthly series (no Django).

A use case's history is a list of months. For month m (1-based, in order):

- benefit[m]: tier-3 money measured that month, plus every tier-2 metric that converts to
  money: hours saved x loaded hourly cost x recapture share (see `converted_value`).
- cost[m]: one-off costs in their month, plus recurring costs for every month from their
  start to their end (or to the last month of the history).

Then:

- invested = sum(cost); realised value = sum(benefit); net benefit = value - invested;
- ROI % = net benefit / invested x 100 (none when nothing was invested);
- payback month = the first m where cumulative benefit >= cumulative cost > 0 (none if never);
- NPV over 3 years = sum over m = 1..36 of (benefit[m] - cost[m]) / (1 + r) ** (m / 12), with r
  the organisation's yearly discount rate: each month's net flow is discounted from the end of
  its month. Months past the history count as zero (nothing is forecast);
- risk-adjusted benefit = realised value x the use case's confidence factor (0-1).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

NPV_MONTHS = 36


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=4096)
def months_between(first: date, last: date) -> tuple[date, ...]:
    """Every month start from `first` to `last`, both included (cached: a portfolio asks
    for the same ranges hundreds of times)."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return tuple(add_months(month_start(first), i) for i in range(max(count, 0)))


def converted_value(hours: float, hourly_cost: float, recapture_share: float) -> float:
    """Money from time saved: only the recaptured part of the hours turns into value."""
    return hours * hourly_cost * recapture_share


@dataclass(frozen=True)
class CostItem:
    kind: str  # "one_off" or "recurring"
    amount: float  # the one-off amount, or the amount per month
    start: date
    end: date | None = None


def cost_series(items: Iterable[CostItem], months: Sequence[date]) -> list[float]:
    index = {m: i for i, m in enumerate(months)}
    series = [0.0] * len(months)
    for item in items:
        if item.kind == "one_off":
            i = index.get(month_start(item.start))
            if i is not None:
                series[i] += item.amount
            continue
        first, last = month_start(item.start), month_start(item.end) if item.end else None
        for i, m in enumerate(months):
            if m >= first and (last is None or m <= last):
                series[i] += item.amount
    return series


@dataclass(frozen=True)
class Summary:
    invested: float
    value: float
    net: float
    roi_percent: float | None
    payback_month: int | None
    npv: float
    risk_adjusted_value: float


def payback_month(benefits: Sequence[float], costs: Sequence[float]) -> int | None:
    cumulative_benefit = cumulative_cost = 0.0
    for m, (benefit, cost) in enumerate(zip(benefits, costs, strict=True), start=1):
        cumulative_benefit += benefit
        cumulative_cost += cost
        if cumulative_cost > 0 and cumulative_benefit >= cumulative_cost:
            return m
    return None


def npv(benefits: Sequence[float], costs: Sequence[float], yearly_rate: float) -> float:
    flows = [b - c for b, c in zip(benefits, costs, strict=True)][:NPV_MONTHS]
    return sum(flow / (1 + yearly_rate) ** (m / 12) for m, flow in enumerate(flows, start=1))


def summarise(
    benefits: Sequence[float], costs: Sequence[float], *, yearly_rate: float, confidence: float
) -> Summary:
    invested, value = sum(costs), sum(benefits)
    net = value - invested
    return Summary(
        invested=invested,
        value=value,
        net=net,
        roi_percent=(net / invested * 100) if invested > 0 else None,
        payback_month=payback_month(benefits, costs),
        npv=npv(benefits, costs, yearly_rate),
        risk_adjusted_value=value * confidence,
    )
