"""Reads about use cases: the filtered list, the timeline, graduation status, scores."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from roi.models import Measurement, Metric, Stage, UseCase

SORTS = {
    "title": "title",
    "-title": "-title",
    "stage": "stage",
    "value": "estimated_annual_value",
    "-value": "-estimated_annual_value",
    "created": "created_at",
    "-created": "-created_at",
}


def use_case_list(
    *, stage: str = "", department: str = "", q: str = "", sort: str = ""
) -> QuerySet:
    queryset = UseCase.objects.select_related("department")
    if stage in Stage.values:
        queryset = queryset.filter(stage=stage)
    if department.isdigit():
        queryset = queryset.filter(department_id=int(department))
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(problem__icontains=q))
    return queryset.order_by(SORTS.get(sort, "-created_at"), "pk")


@dataclass(frozen=True)
class Criterion:
    metric: Metric
    latest: Decimal | None
    met: bool


@dataclass(frozen=True)
class Graduation:
    criteria: list[Criterion]

    @property
    def defined(self) -> bool:
        return bool(self.criteria)

    @property
    def met(self) -> bool:
        return self.defined and all(c.met for c in self.criteria)


def meets(metric: Metric, value: Decimal | None) -> bool:
    if value is None or metric.graduation_threshold is None:
        return False
    if metric.direction == Metric.Direction.LOWER:
        return value <= metric.graduation_threshold
    return value >= metric.graduation_threshold


def graduation(use_case: UseCase) -> Graduation:
    """A pilot graduates when the latest measurement of every metric with a threshold meets it."""
    metrics = list(use_case.metrics.filter(graduation_threshold__isnull=False))
    latest = {}
    for m in Measurement.objects.filter(metric__in=metrics).order_by("metric_id", "-period"):
        latest.setdefault(m.metric_id, m.value)
    return Graduation(
        [
            Criterion(metric, latest.get(metric.pk), meets(metric, latest.get(metric.pk)))
            for metric in metrics
        ]
    )
