"""Model-operations figures for one organisation: the evidence for SLM-first."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.aggregates import Aggregate
from django.utils import timezone

from slm.models import ModelInvocation, ReviewItem


class Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=percentile, **extra)


def model_operations(*, days: int = 30) -> dict:
    """Calls, throughput, latency percentiles, errors and costs, per task and in total."""
    since = timezone.now() - timedelta(days=days)
    calls = ModelInvocation.objects.filter(created_at__gte=since)
    aggregates = {
        "calls": Count("id"),
        "items": Sum("items"),
        "errors": Count("id", filter=Q(outcome="error")),
        "input_tokens": Sum("input_tokens"),
        "output_tokens": Sum("output_tokens"),
        "busy_ms": Sum("latency_ms"),
        "p50": Percentile(F("latency_ms"), 0.5),
        "p95": Percentile(F("latency_ms"), 0.95),
    }
    per_task = list(
        calls.values("task", "model", "device").annotate(**aggregates).order_by("-calls")
    )
    totals = calls.aggregate(**aggregates)
    for row in [*per_task, totals]:
        busy_seconds = (row["busy_ms"] or 0) / 1000
        row["items"] = row["items"] or 0
        row["input_tokens"] = row["input_tokens"] or 0
        row["output_tokens"] = row["output_tokens"] or 0
        row["items_per_second"] = row["items"] / busy_seconds if busy_seconds else None
        # What the busy time cost on our own GPU, against the same tokens at API prices.
        row["slm_cost"] = busy_seconds / 3600 * settings.SLM_GPU_HOUR_PRICE
        row["llm_cost"] = (
            row["input_tokens"] / 1000 * settings.SLM_LLM_PRICE_INPUT_PER_1K
            + row["output_tokens"] / 1000 * settings.SLM_LLM_PRICE_OUTPUT_PER_1K
        )
    outcomes = dict(
        calls.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    return {
        "days": days,
        "per_task": per_task,
        "totals": totals,
        "outcomes": outcomes,
        "pending_reviews": ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count(),
        "prices": {
            "gpu_hour": settings.SLM_GPU_HOUR_PRICE,
            "llm_input_per_1k": settings.SLM_LLM_PRICE_INPUT_PER_1K,
            "llm_output_per_1k": settings.SLM_LLM_PRICE_OUTPUT_PER_1K,
        },
        "recent": list(calls.order_by("-created_at")[:20]),
    }


def review_queue(*, status: str = ReviewItem.Status.PENDING, task: str = ""):
    items = ReviewItem.objects.select_related("reviewer")
    if status:
        items = items.filter(status=status)
    if task:
        items = items.filter(task=task)
    return items.order_by("-created_at")
