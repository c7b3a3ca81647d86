"""The SLM price per request, measured from the model worker's recorded calls where it can be."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from roi import modelfit
from slm.models import ModelInvocation

DAYS = 30


@dataclass(frozen=True)
class SlmPrice:
    per_request: float
    measured: modelfit.MeasuredPrice | None

    @property
    def source(self) -> str:
        m = self.measured
        if m is None:
            return (
                "the organisation's SLM price per request (default 0.002), "
                "as there are no recorded model calls to measure yet"
            )
        return (
            f"measured: {m.tokens_per_second:,.0f} tokens a second on {m.device} at batch size "
            f"{m.batch_size}, {m.tokens_per_request:,.0f} tokens a request, "
            f"{m.hour_price} an hour of the device (last {DAYS} days, {m.calls_items} requests)"
        )


def slm_price(settings) -> SlmPrice:
    since = timezone.now() - timedelta(days=DAYS)
    rows = (
        ModelInvocation.objects.filter(created_at__gte=since)
        .exclude(outcome=ModelInvocation.Outcome.ERROR)
        .values("device", "batch_size")
        .annotate(
            items=Sum("items"),
            input_tokens=Sum("input_tokens"),
            output_tokens=Sum("output_tokens"),
            busy_ms=Sum("latency_ms"),
        )
        .order_by()
    )
    groups = [
        modelfit.CallGroup(
            r["device"],
            r["batch_size"],
            r["items"] or 0,
            (r["input_tokens"] or 0) + (r["output_tokens"] or 0),
            r["busy_ms"] or 0.0,
        )
        for r in rows
    ]
    measured = modelfit.measured_unit_price(
        groups, cpu_hour=float(settings.cpu_hour_price), gpu_hour=float(settings.gpu_hour_price)
    )
    if measured is None:
        return SlmPrice(float(settings.slm_unit_price), None)
    return SlmPrice(measured.per_request, measured)
