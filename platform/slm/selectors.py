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
    capacity = _capacity(calls)
    for row in per_task:
        _costs(row, capacity)
    _costs(totals, {})
    # Each task ran on its own device, at that device's price: the totals are the sums.
    for key in ("slm_cost", "capacity_cost"):
        values = [row[key] for row in per_task if row[key] is not None]
        totals[key] = sum(values) if values else None
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
            "cpu_hour": settings.SLM_CPU_HOUR_PRICE,
            "llm_input_per_1k": settings.SLM_LLM_PRICE_INPUT_PER_1K,
            "llm_output_per_1k": settings.SLM_LLM_PRICE_OUTPUT_PER_1K,
        },
        "recent": list(calls.order_by("-created_at")[:20]),
    }


def hour_price(device: str) -> float:
    """The price of an hour of the device the calls ran on: CUDA at the GPU price, the rest
    (CPU) at the CPU price. Charging CPU time at the GPU price made own hardware look 7x
    dearer than an LLM API on the demo."""
    return settings.SLM_GPU_HOUR_PRICE if device.startswith("cuda") else settings.SLM_CPU_HOUR_PRICE


def _capacity(calls) -> dict[str, float]:
    """Best measured throughput (tokens per second of busy time) per device, over the batch
    sizes actually used."""
    best: dict[str, float] = {}
    rows = (
        calls.exclude(outcome="error")
        .values("device", "batch_size")
        .annotate(tokens=Sum(F("input_tokens") + F("output_tokens")), busy_ms=Sum("latency_ms"))
        .order_by()
    )
    for row in rows:
        if row["tokens"] and row["busy_ms"]:
            rate = row["tokens"] / (row["busy_ms"] / 1000)
            best[row["device"]] = max(best.get(row["device"], 0.0), rate)
    return best


def _costs(row: dict, capacity: dict[str, float]) -> None:
    busy_seconds = (row["busy_ms"] or 0) / 1000
    row["items"] = row["items"] or 0
    row["input_tokens"] = row["input_tokens"] or 0
    row["output_tokens"] = row["output_tokens"] or 0
    row["items_per_second"] = row["items"] / busy_seconds if busy_seconds else None
    device = row.get("device")
    # Busy time at the device's own price, and the same tokens at the device's best
    # measured throughput; against the same tokens at API prices.
    row["slm_cost"] = busy_seconds / 3600 * hour_price(device) if device else None
    tokens = row["input_tokens"] + row["output_tokens"]
    rate = capacity.get(device) if device else None
    row["capacity_cost"] = tokens / rate / 3600 * hour_price(device) if rate else None
    row["llm_cost"] = (
        row["input_tokens"] / 1000 * settings.SLM_LLM_PRICE_INPUT_PER_1K
        + row["output_tokens"] / 1000 * settings.SLM_LLM_PRICE_OUTPUT_PER_1K
    )


def review_queue(*, status: str = ReviewItem.Status.PENDING, task: str = ""):
    items = ReviewItem.objects.select_related("reviewer")
    if status:
        items = items.filter(status=status)
    if task:
        items = items.filter(task=task)
    return items.order_by("-created_at")


def period_costs(*, start, end) -> dict:
    """Calls, tokens and cost between two instants (`end` excluded), per device priced as
    on the model-operations page, against the same tokens at LLM API prices: the figures
    of the reports' model-operations section. One query."""
    rows = list(
        ModelInvocation.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("device", "task")
        .annotate(
            calls=Count("id"),
            items=Sum("items"),
            input_tokens=Sum("input_tokens"),
            output_tokens=Sum("output_tokens"),
            busy_ms=Sum("latency_ms"),
        )
        .order_by()
    )
    for row in rows:
        _costs(row, {})
    by_task: dict[str, int] = {}
    for row in rows:
        by_task[row["task"]] = by_task.get(row["task"], 0) + row["calls"]
    return {
        "calls": sum(r["calls"] for r in rows),
        "items": sum(r["items"] for r in rows),
        "slm_cost": sum(r["slm_cost"] or 0.0 for r in rows),
        "llm_cost": sum(r["llm_cost"] for r in rows),
        "by_task": by_task,
    }
