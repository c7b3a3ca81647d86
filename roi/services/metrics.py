"""Writes about metrics, measurements and costs. Bad input saves nothing and says where."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from roi.finance import add_months, month_start
from roi.models import Cadence, Cost, Measurement, Metric, Unit, UseCase


@transaction.atomic
def metric_create(*, use_case: UseCase, actor, **fields) -> Metric:
    metric = Metric(organization=use_case.organization, use_case=use_case, **fields)
    if metric.unit not in Unit.values:
        raise ValidationError(
            {"unit": f"Unknown unit {metric.unit!r}: use one of {', '.join(Unit.values)}."}
        )
    if metric.converts_to_money and (
        metric.tier != Metric.Tier.PROCESS or metric.unit != Unit.HOURS
    ):
        raise ValidationError(
            {"converts_to_money": "Only a tier-2 metric in hours (time saved) converts to money."}
        )
    if Metric.objects.filter(use_case=use_case, name=metric.name).exists():
        raise ValidationError(
            {"name": f"This use case already has a metric {metric.name!r}."}, code="unique"
        )
    metric.full_clean(exclude=["organization", "use_case"])
    metric.save()
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="metric.created",
        target=metric,
        after={"use_case": use_case.pk, "tier": metric.tier, "unit": metric.unit},
    )
    return metric


def latest_allowed_period(cadence: str, today: date | None = None) -> date:
    """The latest period a measurement may be for: the current month, or the current quarter."""
    current = month_start(today or timezone.localdate())
    if cadence == Cadence.QUARTERLY:
        return add_months(current, -((current.month - 1) % 3))
    return current


@dataclass(frozen=True)
class Row:
    metric_id: Any
    period: Any
    value: Any
    unit: Any = None


def parse_period(value: Any) -> date:
    if isinstance(value, date):
        return month_start(value)
    text = str(value).strip()
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01")
        return month_start(date.fromisoformat(text))
    except ValueError:
        raise ValueError(f"period {text!r} is not a month like 2026-03") from None


def _check(
    row: Row, metrics: dict[int, Metric], today: date, scope: str
) -> tuple[Metric, date, Decimal]:
    try:
        metric = metrics[int(row.metric_id)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"there is no metric {row.metric_id!r} in {scope}") from None
    period = parse_period(row.period)
    try:
        value = Decimal(str(row.value).strip())
    except InvalidOperation:
        raise ValueError(f"value {row.value!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"value {row.value!r} is not a number")
    if abs(value) >= Decimal("1e12"):
        raise ValueError(f"value {row.value} is too large")
    if row.unit not in (None, ""):
        if row.unit not in Unit.values:
            raise ValueError(f"unknown unit {row.unit!r}")
        if row.unit != metric.unit:
            raise ValueError(f"{metric.name} is measured in {metric.unit}, not {row.unit}")
    latest = latest_allowed_period(metric.cadence, today)
    if period > latest:
        raise ValueError(
            f"period {period:%Y-%m} is in the future; "
            f"the latest {metric.cadence} period is {latest:%Y-%m}"
        )
    return metric, period, value


@transaction.atomic
def measurements_record(
    *, use_case: UseCase | None, actor, rows: list[Row], source: str, label: str = "Row"
) -> list[Measurement]:
    """Record measurements, all or nothing. Idempotent on metric and period: pushing the same
    period again replaces its value. Within one batch a period may appear only once per metric.
    `use_case` None accepts any metric of the organisation (the API's batch)."""
    metrics_qs = Metric.objects.all() if use_case is None else use_case.metrics.all()
    metrics = {m.pk: m for m in metrics_qs}
    today = timezone.localdate()
    errors, checked, seen = [], [], {}
    for number, row in enumerate(rows, start=1 if label == "Row" else 2):
        try:
            metric, period, value = _check(
                row, metrics, today, "this organisation" if use_case is None else "this use case"
            )
            if (metric.pk, period) in seen:
                raise ValueError(
                    f"{metric.name} for {period:%Y-%m} appears twice "
                    f"(also {label.lower()} {seen[metric.pk, period]})"
                )
        except ValueError as exc:
            errors.append(f"{label} {number}: {exc}.")
            continue
        seen[metric.pk, period] = number
        checked.append((metric, period, value))
    if errors:
        raise ValidationError(errors)
    saved = []
    for metric, period, value in checked:
        measurement, _ = Measurement.objects.update_or_create(
            organization=metric.organization,
            metric=metric,
            period=period,
            defaults={"value": value, "source": source},
        )
        saved.append(measurement)
    if saved:
        audit_record(
            organization=saved[0].organization,
            actor=actor,
            action="measurement.recorded",
            target=use_case,
            target_type="roi.Measurement",
            after={"count": len(saved), "source": source},
        )
    return saved


MEASUREMENT_COLUMNS = ["metric", "period", "value"]


def measurements_import_csv(*, use_case: UseCase, actor, text: str) -> list[Measurement]:
    """CSV with columns metric (its name), period (YYYY-MM), value and optionally unit."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in MEASUREMENT_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"Line 1: the CSV has no column {', '.join(missing)}.")
    by_name = {m.name.lower(): m.pk for m in use_case.metrics.all()}
    rows = []
    for raw in reader:
        # Extra cells beyond the header (key None, a list) are ignored.
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        name = row["metric"]
        rows.append(
            Row(by_name.get(name.lower(), name), row["period"], row["value"], row.get("unit"))
        )
    if not rows:
        raise ValidationError("The CSV has no rows.")
    return measurements_record(
        use_case=use_case, actor=actor, rows=rows, source=Measurement.Source.CSV, label="Line"
    )


@transaction.atomic
def cost_add(*, use_case: UseCase, actor, **fields) -> Cost:
    cost = Cost(organization=use_case.organization, use_case=use_case, **fields)
    if cost.amount is not None and Decimal(cost.amount) < 0:
        raise ValidationError({"amount": "A cost cannot be negative."})
    if cost.kind == Cost.Kind.ONE_OFF:
        cost.end = None
    if cost.end and cost.start and cost.end < cost.start:
        raise ValidationError({"end": "The last month comes before the first."})
    cost.full_clean(exclude=["organization", "use_case"])
    cost.start = month_start(cost.start)
    cost.end = month_start(cost.end) if cost.end else None
    cost.save()
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="cost.added",
        target=use_case,
        target_type="roi.Cost",
        after={"category": cost.category, "kind": cost.kind, "amount": str(cost.amount)},
    )
    return cost
