"""The SLM unit price measured from recorded model calls, worked by hand."""

import pytest

from roi import modelfit
from roi.selectors.model_price import slm_price
from roi.selectors.settings import roi_settings
from slm.models import ModelInvocation
from tenancy.context import org_context

# On the GPU: batch size 8 ran 800 requests, 200,000 tokens in 100 s of busy time
# (2,000 tokens/s); batch size 1 ran 200 requests, 50,000 tokens in 100 s (500 tokens/s).
# A few CPU calls, fewer requests: the GPU is the device that did the work.
GROUPS = [
    modelfit.CallGroup("cuda", 8, 800, 200_000, 100_000),
    modelfit.CallGroup("cuda", 1, 200, 50_000, 100_000),
    modelfit.CallGroup("cpu", 1, 10, 5_000, 50_000),
]


def test_measured_slm_price_from_a_known_set_of_calls():
    price = modelfit.measured_unit_price(GROUPS, cpu_hour=0.20, gpu_hour=2.50)
    # capacity: the best batch size, 2,000 tokens/s; a request averages 250,000 / 1,000 = 250
    # tokens, so it takes 0.125 s of GPU; at 2.50 an hour: 2.50 / 3600 x 0.125 = 0.0000868
    assert (price.device, price.batch_size) == ("cuda", 8)
    assert price.tokens_per_second == 2000 and price.tokens_per_request == 250
    assert price.per_request == pytest.approx(2.50 / 3600 * 0.125)
    assert price.per_request == pytest.approx(0.0000868, rel=1e-3)


def test_cpu_calls_are_priced_at_the_cpu_hour_price():
    price = modelfit.measured_unit_price([GROUPS[2]], cpu_hour=0.20, gpu_hour=2.50)
    # 100 tokens/s, 500 tokens a request: 5 s of CPU at 0.20 an hour
    assert price.per_request == pytest.approx(0.20 / 3600 * 5)


def test_no_calls_fall_back_to_the_default_price_and_say_so(cast):
    with org_context(cast.org_a):
        price = slm_price(roi_settings(cast.org_a))
    assert price.per_request == pytest.approx(0.002) and price.measured is None
    assert "default 0.002" in price.source


def test_recorded_calls_give_the_measured_price(cast):
    with org_context(cast.org_a):
        for batch, items, tokens, ms in [(8, 800, 200_000, 100_000), (1, 200, 50_000, 100_000)]:
            ModelInvocation.objects.create(
                organization=cast.org_a,
                task="classify",
                model="m",
                device="cuda",
                batch_size=batch,
                items=items,
                input_tokens=tokens,
                latency_ms=ms,
            )
        price = slm_price(roi_settings(cast.org_a))
    assert price.per_request == pytest.approx(2.50 / 3600 * 0.125)
    assert "measured: 2,000 tokens a second on cuda at batch size 8" in price.source
