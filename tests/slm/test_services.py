"""The model API on the real default models (no fakes of the model)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest
import torch

from slm import grounding, runtime, services
from slm.models import LLMEndpoint, ModelInvocation, ReviewItem
from tenancy.context import org_context
from tests.slm.labelled_hosts import EXAMPLES, TEST_SET

pytestmark = pytest.mark.usefixtures("models_loaded")


def test_both_default_models_load_offline_once_per_process(models_loaded):
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    first = runtime.get_embedder()
    assert runtime.get_embedder() is first and runtime.get_generator() is runtime.get_generator()
    assert runtime.loaded_count("embedder") == runtime.loaded_count("generator") == 1


def test_embeddings_are_normalised_and_similar_texts_are_close(cast):
    vectors = services.embed(
        ["summarise this support ticket", "summarize the customer ticket", "quarterly tax filing"],
        organization=cast.org_a,
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_classify_reaches_85_percent_on_the_labelled_set(cast):
    texts = [text for text, _ in TEST_SET]
    with org_context(cast.org_a):
        cast.org_a.model_confidence_threshold = 0.0  # accuracy only; nothing to review
    results = services.classify(texts, EXAMPLES, organization=cast.org_a)
    correct = sum(r.label == label for r, (_, label) in zip(results, TEST_SET, strict=True))
    accuracy = correct / len(TEST_SET)
    assert len(TEST_SET) >= 60
    assert accuracy >= 0.85, f"accuracy {accuracy:.2%}"
    assert all(0 < r.confidence <= 1 for r in results)
    assert all(abs(sum(r.scores.values()) - 1) < 0.01 for r in results)


def test_low_confidence_goes_to_the_review_queue(cast):
    texts = ["chat.openai.com - ChatGPT", "intranet.acme.local - expense policy PDF"]
    with org_context(cast.org_a):
        cast.org_a.model_confidence_threshold = 0.999
    results = services.classify(
        texts, EXAMPLES, organization=cast.org_a, item_type="shadow_ai.Host", item_ids=["1", "2"]
    )
    with org_context(cast.org_a):
        items = list(ReviewItem.objects.order_by("item_id"))
    below = [r for r in results if r.confidence < 0.999]
    assert below, "expected at least one output below a 0.999 threshold"
    assert len(items) == len(below)
    assert {i.review_item_id for i in below} == {i.pk for i in items}
    item = items[0]
    assert item.status == "pending" and item.model_output["label"] in EXAMPLES
    assert item.item_type == "shadow_ai.Host"
    with org_context(cast.org_b):
        assert not ReviewItem.objects.exists()


class _FakeLLM(BaseHTTPRequestHandler):
    """A local OpenAI-compatible server: answers every chat completion with 'ai_chat'."""

    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeLLM.requests.append((self.path, self.headers.get("Authorization"), body))
        reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": "ai_chat"}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def local_llm():
    server = HTTPServer(("127.0.0.1", 0), _FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeLLM.requests = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def configure_endpoint(org, base_url, *, api_key="", timeout_seconds=30):
    with org_context(org):
        org.model_confidence_threshold = 0.999
        org.save(update_fields=["model_confidence_threshold"])
        endpoint = LLMEndpoint(
            organization=org,
            base_url=base_url,
            model="big-model",
            enabled=True,
            timeout_seconds=timeout_seconds,
        )
        endpoint.set_api_key(api_key)
        endpoint.save()


# The escalation tests run without the test-wide transaction (live_cast): the endpoint is
# only ever called with no transaction open, and the call refuses otherwise.


def test_low_confidence_escalates_to_a_configured_llm_endpoint(live_cast, local_llm, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["127.0.0.1"]  # the local server is internal
    configure_endpoint(live_cast.org_a, local_llm, api_key="k")
    [result] = services.classify(
        ["intranet.acme.local - expense policy PDF"], EXAMPLES, organization=live_cast.org_a
    )
    assert result.routed == "escalated" and result.label == "ai_chat"
    path, auth, body = _FakeLLM.requests[0]
    assert path == "/v1/chat/completions" and auth == "Bearer k" and body["model"] == "big-model"
    with org_context(live_cast.org_a):
        assert not ReviewItem.objects.exists()
        assert ModelInvocation.objects.get(task="classify").outcome == "escalated"


def test_the_classify_task_escalates_too(live_cast, local_llm, settings):
    # The Celery task is the path production takes: it must not wrap the call in a
    # transaction either.
    from slm.tasks import classify_task

    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["127.0.0.1"]
    configure_endpoint(live_cast.org_a, local_llm)
    [result] = classify_task.apply(
        args=(live_cast.org_a.pk, ["intranet.acme.local - expense policy PDF"], EXAMPLES)
    ).get()
    assert result["routed"] == "escalated" and len(_FakeLLM.requests) == 1


def test_an_internal_endpoint_is_refused_at_call_time(live_cast, local_llm, settings):
    # Saved while allowed (or written straight to the database): refused when called.
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    configure_endpoint(live_cast.org_a, local_llm, api_key="k")
    [result] = services.classify(
        ["intranet.acme.local - policy"], EXAMPLES, organization=live_cast.org_a
    )
    assert result.routed == "review"
    assert _FakeLLM.requests == []  # nothing reached the internal address


def test_escalation_refuses_to_call_inside_a_transaction(cast, local_llm, settings):
    # `cast` runs the test inside a transaction, as a request or task wrapped in one would.
    from slm.escalation import EscalationInTransaction

    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["127.0.0.1"]
    configure_endpoint(cast.org_a, local_llm)
    with pytest.raises(EscalationInTransaction, match="outside any database transaction"):
        services.classify(["intranet.acme.local - policy"], EXAMPLES, organization=cast.org_a)
    assert _FakeLLM.requests == []


def test_unreachable_llm_endpoint_falls_back_to_review(live_cast, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["127.0.0.1"]
    configure_endpoint(live_cast.org_a, "http://127.0.0.1:1/v1", timeout_seconds=2)
    [result] = services.classify(
        ["intranet.acme.local - policy"], EXAMPLES, organization=live_cast.org_a
    )
    assert result.routed == "review"
    with org_context(live_cast.org_a):
        item = ReviewItem.objects.get()
        assert item.pk == result.review_item_id
        assert ModelInvocation.objects.get(task="classify").outcome == "review"


def test_cluster_groups_similar_texts(cast):
    texts = [
        "ChatGPT drafting customer emails",
        "ChatGPT writing replies to customers",
        "Copilot completing Python code",
        "Copilot suggesting code in the IDE",
        "Midjourney making marketing images",
        "Midjourney creating banner images",
    ]
    clusters = services.cluster(texts, 3, organization=cast.org_a)
    groups = sorted(sorted(c.members) for c in clusters)
    assert groups == [[0, 1], [2, 3], [4, 5]]
    assert all(c.representatives for c in clusters)


def test_generate_returns_text_with_confidence_and_tokens(cast):
    results = services.generate(
        [
            [{"role": "user", "content": "Name one benefit of reading."}],
            [{"role": "user", "content": "Say hello."}],
        ],
        organization=cast.org_a,
        max_new_tokens=20,
    )
    assert len(results) == 2
    assert all(r.text.strip() for r in results)
    assert all(0 < r.confidence <= 1 and r.output_tokens > 0 for r in results)
    with org_context(cast.org_a):
        call = ModelInvocation.objects.get(task="generate")
    assert call.batch_size == 2 and call.output_tokens == sum(r.output_tokens for r in results)


def test_validator_rejects_numbers_and_names_not_in_the_facts():
    facts = {"adoption_rate": "42%", "active_users": 1250, "department": "Customer Support"}
    assert grounding.check_draft("Adoption reached 42% with 1,250 active users.", facts).ok
    assert grounding.check_draft("Customer Support leads adoption.", facts).ok
    bad = grounding.check_draft("Adoption reached 47% with 1,250 active users.", facts)
    assert not bad.ok and bad.unknown_numbers == ["47%"]
    invented = grounding.check_draft("Adoption was led by the Finance team.", facts)
    assert not invented.ok and invented.unknown_names == ["Finance"]


def test_grounded_draft_falls_back_to_the_facts_when_the_model_invents(cast):
    facts = {"quarter": "Q3", "active_users": 1250}
    draft = services.draft_grounded(
        facts,
        "List the populations of the five largest countries in the world, with numbers.",
        organization=cast.org_a,
        title="Adoption",
    )
    assert grounding.check_draft(draft.text, facts).ok
    if draft.outcome == "fell_back":
        assert draft.text == "Adoption: quarter was Q3; active users was 1250."
        assert len(draft.rejected) == 2
    with org_context(cast.org_a):
        outcomes = list(ModelInvocation.objects.order_by("pk").values_list("outcome", flat=True))
    expected = {
        "accepted": ["accepted"],
        "retried": ["rejected", "retried"],
        "fell_back": ["rejected", "fell_back"],
    }
    assert outcomes == expected[draft.outcome]


def test_grounded_draft_of_a_report_section(cast):
    facts = {"share_capable_or_above": "64%", "previous_share": "51%", "campaign": "Q3 assessment"}
    draft = services.draft_grounded(
        facts, "Write one sentence on how AI fluency changed.", organization=cast.org_a
    )
    assert grounding.check_draft(draft.text, facts).ok
    with org_context(cast.org_a):
        outcomes = list(ModelInvocation.objects.order_by("pk").values_list("outcome", flat=True))
    # Each outcome leaves its own trail of recorded attempts and reasons; an unknown
    # outcome has none and fails here.
    trail = {
        "accepted": (["accepted"], 0),
        "retried": (["rejected", "retried"], 1),
        "fell_back": (["rejected", "fell_back"], 2),
    }
    assert (outcomes, len(draft.rejected)) == trail[draft.outcome]
    if draft.outcome == "fell_back":
        assert draft.text == grounding.templated(facts, "")
    else:
        assert draft.text and draft.text != grounding.templated(facts, "")


def test_invocations_are_recorded_per_organisation_and_isolated(cast):
    services.embed(["a"], organization=cast.org_a)
    services.embed(["b", "c"], organization=cast.org_b)
    with org_context(cast.org_a):
        assert list(ModelInvocation.objects.values_list("items", flat=True)) == [1]
        call = ModelInvocation.objects.get()
    embedder = runtime.get_embedder()
    assert call.model == embedder.spec.name == "model"  # the default's directory name
    # The device the runtime resolved (SLM_DEVICE=auto: CUDA where present, else CPU).
    assert call.device == embedder.device == runtime.choose_device()[0]
    if not torch.cuda.is_available():
        assert call.device == "cpu"
    assert call.latency_ms > 0 and call.input_tokens > 0
    with org_context(cast.org_b):
        assert list(ModelInvocation.objects.values_list("items", flat=True)) == [2]


def test_a_failing_call_is_recorded_with_its_reason(cast, settings):
    from slm.registry import ModelUnavailable

    settings.SLM_GENERATOR = "/nonexistent/generator"
    saved = runtime._models.pop("generator")
    try:
        with pytest.raises(ModelUnavailable):
            services.generate([[{"role": "user", "content": "hi"}]], organization=cast.org_a)
    finally:
        runtime._errors.pop("generator", None)
        runtime._models["generator"] = saved
    with org_context(cast.org_a):
        call = ModelInvocation.objects.get(task="generate")
    assert call.outcome == "error" and "generator model: <path> does not exist" in call.error
    assert "/nonexistent" not in call.error  # the platform's paths stay with its operators


def test_bad_arguments_are_refused_before_any_model_runs(cast):
    with pytest.raises(ValueError, match="k must be between 1 and the number of texts"):
        services.cluster(["only one"], 5, organization=cast.org_a)
    with pytest.raises(ValueError, match="at least two labels"):
        services.classify(["x"], {"only": ["y"]}, organization=cast.org_a)
