"""The model-operations page and the review queue, per organisation."""

from django.urls import reverse

from audit.models import AuditEvent
from slm.models import ModelInvocation, ReviewItem
from tenancy.context import org_context


def add_calls(org, task, latencies, **extra):
    with org_context(org):
        for ms in latencies:
            ModelInvocation.objects.create(
                organization=org,
                task=task,
                model="m",
                device="cpu",
                latency_ms=ms,
                items=4,
                input_tokens=100,
                output_tokens=50,
                **extra,
            )


def test_model_operations_shows_own_calls_latency_and_costs(client_for, cast):
    add_calls(cast.org_a, "classify", [10, 20, 30, 40, 1000])
    add_calls(cast.org_b, "secret_globex_task", [5])
    url = reverse("slm:model_operations", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).get(url)
    assert response.status_code == 200
    ops = response.context["ops"]
    assert ops["totals"]["calls"] == 5 and ops["totals"]["items"] == 20
    assert ops["totals"]["p50"] == 30
    assert 800 < ops["totals"]["p95"] <= 1000
    assert ops["totals"]["llm_cost"] > 0 and ops["totals"]["slm_cost"] > 0
    body = response.content.decode()
    assert "classify" in body and "secret_globex_task" not in body
    csv_text = client_for(cast.alice).get(url + "?format=csv").content.decode()
    assert "classify" in csv_text and "secret_globex_task" not in csv_text


def test_model_operations_empty_state(client_for, cast):
    url = reverse("slm:model_operations", kwargs={"org_slug": cast.org_a.slug})
    assert "No model calls yet" in client_for(cast.alice).get(url).content.decode()


def make_item(org, label="ai_chat"):
    with org_context(org):
        return ReviewItem.objects.create(
            organization=org,
            task="classify",
            input_text="pi.ai - personal AI",
            model_output={"label": label},
            confidence=0.3,
        )


def test_reviewer_corrects_an_item_and_the_label_is_kept(client_for, cast):
    item = make_item(cast.org_a)
    url = reverse("slm:review_decide", kwargs={"org_slug": cast.org_a.slug, "pk": item.pk})
    response = client_for(cast.alice).post(url, {"status": "corrected", "label": "ai_writing"})
    assert response.status_code == 302
    with org_context(cast.org_a):
        item.refresh_from_db()
        assert (item.status, item.decision, item.reviewer) == (
            "corrected",
            {"label": "ai_writing"},
            cast.alice,
        )
        assert AuditEvent.objects.filter(action="review.decided").exists()
    queue = client_for(cast.alice).get(
        reverse("slm:review_queue", kwargs={"org_slug": cast.org_a.slug})
    )
    assert "pi.ai" not in queue.content.decode()  # no longer pending


def test_correction_without_a_label_is_refused(client_for, cast):
    item = make_item(cast.org_a)
    url = reverse("slm:review_decide", kwargs={"org_slug": cast.org_a.slug, "pk": item.pk})
    response = client_for(cast.alice).post(url, {"status": "corrected"}, follow=True)
    assert "Give the correct label" in response.content.decode()
    with org_context(cast.org_a):
        item.refresh_from_db()
        assert item.status == "pending"


def test_deciding_another_organisations_item_is_404(client_for, cast):
    item = make_item(cast.org_b)
    url = reverse("slm:review_decide", kwargs={"org_slug": cast.org_a.slug, "pk": item.pk})
    assert client_for(cast.alice).post(url, {"status": "accepted"}).status_code == 404
    with org_context(cast.org_b):
        item.refresh_from_db()
        assert item.status == "pending"


def test_admin_configures_escalation_and_the_key_stays_out_of_the_audit_log(
    client_for, cast, monkeypatch
):
    from slm import crypto, egress

    monkeypatch.setattr(egress, "_resolve", lambda host, port: ["93.184.215.14"])  # offline
    url = reverse("slm:llm_endpoint", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    bad = client.post(url, {"base_url": "not a url", "model": "", "timeout_seconds": 0})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter a valid URL" in body and "This field is required" in body
    data = {
        "base_url": "https://llm.example.com/v1",
        "model": "big",
        "api_key": "sk-secret",
        "enabled": "on",
        "timeout_seconds": 20,
    }
    assert client.post(url, data).status_code == 302
    data.pop("api_key")
    data["model"] = "bigger"
    assert client.post(url, data).status_code == 302  # empty key keeps the stored one
    from slm.models import LLMEndpoint

    with org_context(cast.org_a):
        endpoint = LLMEndpoint.objects.get()
        assert (endpoint.model, endpoint.enabled) == ("bigger", True)
        assert crypto.decrypt(endpoint.api_key_encrypted) == "sk-secret"
        events = list(AuditEvent.objects.filter(action="llm_endpoint.updated"))
    assert len(events) == 2
    assert all("sk-secret" not in str(e.before) + str(e.after) for e in events)
    with org_context(cast.org_b):
        assert not LLMEndpoint.objects.exists()
    assert "sk-secret" not in client.get(url).content.decode()


def test_busy_time_is_priced_at_its_own_devices_hour_price(client_for, cast, settings):
    """CPU busy time at the CPU price and GPU time at the GPU price; and the cost at measured
    capacity beside it (issue 9: CPU time was charged at the GPU price)."""
    settings.SLM_CPU_HOUR_PRICE, settings.SLM_GPU_HOUR_PRICE = 0.36, 3.60
    add_calls(cast.org_a, "classify", [1000, 1000])  # cpu: 2 s, 300 tokens in 2 s
    with org_context(cast.org_a):
        ModelInvocation.objects.create(
            organization=cast.org_a,
            task="embed",
            model="m",
            device="cuda",
            latency_ms=3600,
            items=10,
            input_tokens=1000,
            output_tokens=0,
            batch_size=8,
        )
        ModelInvocation.objects.create(
            organization=cast.org_a,
            task="embed",
            model="m",
            device="cuda",
            latency_ms=3600,
            items=10,
            input_tokens=500,
            output_tokens=0,
            batch_size=1,
        )
    url = reverse("slm:model_operations", kwargs={"org_slug": cast.org_a.slug})
    ops = client_for(cast.alice).get(url).context["ops"]
    rows = {row["task"]: row for row in ops["per_task"]}
    # cpu: 2 s x 0.36 / 3600 = 0.0002; gpu: 7.2 s x 3.60 / 3600 = 0.0072
    assert abs(rows["classify"]["slm_cost"] - 0.0002) < 1e-12
    assert abs(rows["embed"]["slm_cost"] - 0.0072) < 1e-12
    # gpu capacity: best batch size ran 1,000 tokens in 3.6 s (277.8 tokens/s); 1,500 tokens
    # at that rate take 5.4 s: 5.4 x 3.60 / 3600 = 0.0054
    assert abs(rows["embed"]["capacity_cost"] - 0.0054) < 1e-9
    assert abs(ops["totals"]["slm_cost"] - 0.0074) < 1e-9
