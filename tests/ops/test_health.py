"""/healthz, /readyz and the worker heartbeat."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ops.models import WorkerHeartbeat


def beat(hostname, queues, age=timedelta(0)):
    now = timezone.now() - age
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={"queues": queues, "pid": 1, "started_at": now, "last_seen": now},
    )


def test_healthz_needs_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_ok_with_database_broker_and_live_workers(client, db):
    beat("default@test", ["default"])
    beat("models@test", ["models"])
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "workers": "ok"}


def test_readyz_fails_when_the_broker_is_down(client, db, settings):
    beat("default@test", ["default"])
    beat("models@test", ["models"])
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("broker unreachable")
    assert checks["database"] == "ok"


def test_readyz_fails_when_no_worker_serves_the_model_queue(client, db):
    beat("default@test", ["default"])
    beat("models@test", ["models"], age=timedelta(minutes=10))  # stale
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "no live worker for queue(s): models"


def test_status_page_lists_workers_and_queues(client_for, cast):
    beat("models@gpu-box", ["models"])
    response = client_for(cast.alice).get(
        reverse("ops:status", kwargs={"org_slug": cast.org_a.slug})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "models@gpu-box" in body
    assert "no live worker" in body.lower() or "default" in body


@pytest.mark.slow
def test_a_real_worker_process_heartbeats_and_runs_a_task(celery_worker_process, live_cast):
    from ops.tasks import ping

    assert ping.delay().get(timeout=60) == "pong"
    row = WorkerHeartbeat.objects.get(hostname=celery_worker_process)
    assert set(row.queues) == {"default", "models"}
    assert row.stopped_at is None


@pytest.mark.slow
def test_a_real_worker_runs_a_model_task_end_to_end(celery_worker_process, live_cast):
    from slm.models import ModelInvocation
    from slm.tasks import embed_task
    from tenancy.context import org_context

    vectors = embed_task.delay(live_cast.org_a.pk, ["summarise tickets", "draft emails"]).get(
        timeout=180
    )
    assert len(vectors) == 2 and len(vectors[0]) == 384
    with org_context(live_cast.org_a):
        call = ModelInvocation.objects.get(task="embed")
    assert call.items == 2 and call.outcome == "ok"
    # The worker resolves the device itself (SLM_DEVICE=auto: CUDA where present, else CPU).
    import torch
    from django.conf import settings

    cuda = settings.SLM_DEVICE != "cpu" and torch.cuda.is_available()
    assert call.device == ("cuda" if cuda else "cpu")
    row = WorkerHeartbeat.objects.get(hostname=celery_worker_process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not row.details.get("models", {}).get(
        "embedder", ""
    ).startswith("loaded"):
        time.sleep(0.5)
        row.refresh_from_db()
    assert row.details["models"]["embedder"].startswith("loaded")
