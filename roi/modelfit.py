"""Model-fit advice: SLM, SLM first with LLM fallback, or LLM - and what each would cost.

The rules, in order (the first that applies decides; the page shows the same list):

1. Must run offline or at the edge -> SLM. A hosted LLM needs the network.
2. Restricted data -> SLM. The data should not leave the organisation's own hardware.
3. Open-ended reasoning or creative generation over a broad domain -> LLM. Small models
   are weakest exactly there.
4. Open-ended reasoning or creative generation in a narrower domain, or any task over a
   broad domain -> SLM first with LLM fallback: the small model answers what it can and
   hands the rest on.
5. A well-defined task (classification, extraction, structured output, routing, code
   completion, summarisation) in a narrow domain -> SLM.
6. A well-defined task in a moderate domain -> SLM when the volume is high (1,000 requests
   a day or more) or the latency need is real time, since both favour a local model;
   otherwise SLM first with LLM fallback.

Costs per month assume 30 days of the daily volume. SLM first routes the requests in the
organisation's shares (default 87% SLM, 11% LLM, 2% human), so its price per request is
s x SLM + l x LLM + h x human.
"""

from dataclasses import dataclass

SLM = "slm"
SLM_FIRST = "slm_first"
LLM = "llm"
LABELS = {SLM: "SLM", SLM_FIRST: "SLM first with LLM fallback", LLM: "LLM"}
WELL_DEFINED = {
    "classification",
    "extraction",
    "structured_output",
    "routing",
    "code_completion",
    "summarisation",
}
OPEN_ENDED = {"open_reasoning", "creative"}
HIGH_VOLUME = 1000
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Advice:
    option: str
    reasons: list[str]

    @property
    def label(self) -> str:
        return LABELS[self.option]


def recommend(
    *,
    daily_requests: int,
    latency: str,
    sensitivity: str,
    task_type: str,
    breadth: str,
    edge: bool,
) -> Advice:
    if edge:
        return Advice(
            SLM, ["It must run offline or at the edge, and a hosted LLM needs the network."]
        )
    if sensitivity == "restricted":
        return Advice(SLM, ["The data is restricted, so it should stay on our own hardware."])
    task = task_type.replace("_", " ")
    if task_type in OPEN_ENDED and breadth == "broad":
        return Advice(
            LLM, [f"{task.capitalize()} over a broad domain is where small models are weakest."]
        )
    if task_type in OPEN_ENDED:
        return Advice(
            SLM_FIRST,
            [
                f"{task.capitalize()} is hard for a small model, but the domain is not broad:",
                "let the small model answer what it can and hand the rest to an LLM.",
            ],
        )
    if breadth == "broad":
        return Advice(
            SLM_FIRST,
            [f"{task.capitalize()} suits a small model, but a broad domain needs a fallback."],
        )
    if breadth == "narrow":
        return Advice(
            SLM, [f"{task.capitalize()} in a narrow domain is what small models do well."]
        )
    reasons = []
    if daily_requests >= HIGH_VOLUME:
        reasons.append(f"{daily_requests:,} requests a day make per-request LLM prices add up.")
    if latency == "realtime":
        reasons.append("A real-time answer is easier with a local model.")
    if reasons:
        return Advice(SLM, [f"{task.capitalize()} is a well-defined task.", *reasons])
    return Advice(
        SLM_FIRST,
        [
            f"{task.capitalize()} is well defined, but the domain is moderately broad:",
            "keep a fallback.",
        ],
    )


@dataclass(frozen=True)
class Prices:
    slm: float
    llm: float
    human: float
    route_slm: float  # percent
    route_llm: float
    route_human: float

    @property
    def slm_first(self) -> float:
        """Blended price per request of SLM first with LLM fallback (and human handling)."""
        return (
            self.route_slm * self.slm + self.route_llm * self.llm + self.route_human * self.human
        ) / 100


def monthly_costs(daily_requests: int, prices: Prices) -> dict[str, float]:
    requests = daily_requests * DAYS_PER_MONTH
    return {
        SLM: requests * prices.slm,
        SLM_FIRST: requests * prices.slm_first,
        LLM: requests * prices.llm,
    }


@dataclass(frozen=True)
class CallGroup:
    """The model worker's recorded calls of one device and batch size."""

    device: str  # "cuda" or "cpu" (anything not starting with "cuda" is priced as CPU)
    batch_size: int
    items: int
    tokens: int
    busy_ms: float


@dataclass(frozen=True)
class MeasuredPrice:
    per_request: float
    device: str
    batch_size: int
    tokens_per_second: float
    tokens_per_request: float
    hour_price: float
    calls_items: int


def measured_unit_price(
    groups: list[CallGroup], *, cpu_hour: float, gpu_hour: float
) -> MeasuredPrice | None:
    """The SLM price per request at measured capacity.

    Take the device that handled the most requests. Its capacity is the best throughput
    (tokens per second of busy time) measured at any batch size it actually ran. A request
    of the average size then costs tokens per request / capacity seconds of that device, at
    the device's hour price:

        price = hour price / 3600 x tokens per request / tokens per second

    None when there is nothing to measure (no tokens or no busy time).
    """
    usable = [g for g in groups if g.items > 0 and g.tokens > 0 and g.busy_ms > 0]
    if not usable:
        return None
    by_device: dict[str, list[CallGroup]] = {}
    for group in usable:
        by_device.setdefault(group.device, []).append(group)
    device, rows = max(by_device.items(), key=lambda kv: sum(g.items for g in kv[1]))
    best = max(rows, key=lambda g: g.tokens / g.busy_ms)
    tokens_per_second = best.tokens / (best.busy_ms / 1000)
    tokens_per_request = sum(g.tokens for g in rows) / sum(g.items for g in rows)
    hour_price = gpu_hour if device.startswith("cuda") else cpu_hour
    return MeasuredPrice(
        per_request=hour_price / 3600 * tokens_per_request / tokens_per_second,
        device=device,
        batch_size=best.batch_size,
        tokens_per_second=tokens_per_second,
        tokens_per_request=tokens_per_request,
        hour_price=hour_price,
        calls_items=sum(g.items for g in rows),
    )
