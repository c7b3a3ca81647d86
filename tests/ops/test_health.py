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


HOST, PID, MODEL_PATH = "models@gpu-box-7.internal", 3141592, "/opt/models/secret-llm"


def beat_model_worker(**overrides):
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname=HOST,
        defaults={
            "queues": ["models"],
            "pid": PID,
            "started_at": now,
            "last_seen": now,
            "details": {
                "models": {
                    "embedder": "loaded: all-MiniLM-L6-v2 on cuda",
                    "generator": f"error: generator model: {MODEL_PATH} does not exist",
                }
            },
            **overrides,
        },
    )


def assert_no_machine_details(body: str) -> None:
    assert HOST not in body and "gpu-box-7" not in body
    assert str(PID) not in body
    assert MODEL_PATH not in body and "/opt/models" not in body


def test_status_page_shows_the_tenant_what_concerns_it_and_no_machine(client_for, cast):
    from tests.slm.test_views import add_calls

    beat_model_worker()
    add_calls(cast.org_a, "classify", [10, 20, 30])
    add_calls(cast.org_b, "classify", [5] * 7)
    response = client_for(cast.alice).get(
        reverse("ops:status", kwargs={"org_slug": cast.org_a.slug})
    )
    assert response.status_code == 200
    context = response.context
    assert context["queues"] == [
        {"queue": "default", "alive": False},  # only the model worker beats
        {"queue": "models", "alive": True},
    ]
    assert context["models"] == [
        {"role": "embedder", "state": "loaded"},
        {"role": "generator", "state": "failed"},
    ]
    assert context["calls"]["totals"]["calls"] == 3  # Acme's own calls, not Globex's 7
    body = response.content.decode()
    assert "No live worker for queue default" in body
    assert "Failed to load" in body and "Loaded" in body
    assert_no_machine_details(body)


def test_no_tenant_page_names_the_workers_machines(client_for, cast):
    beat_model_worker()
    beat("default@web-3.internal", ["default"])
    for name in ("ops:status", "slm:model_operations", "core:admin_home"):
        response = client_for(cast.alice).get(reverse(name, kwargs={"org_slug": cast.org_a.slug}))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert_no_machine_details(body)
        assert "web-3" not in body, name


def test_a_stopped_or_stale_model_worker_loads_nothing(client_for, cast):
    beat_model_worker(last_seen=timezone.now() - timedelta(minutes=10))
    response = client_for(cast.alice).get(
        reverse("ops:status", kwargs={"org_slug": cast.org_a.slug})
    )
    assert {m["state"] for m in response.context["models"]} == {"not loaded"}
    assert response.context["missing_queues"] == ["default", "models"]


# The operators' admin runs as the system role, on its own connection: commit the rows.
@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_the_operators_admin_shows_hosts_processes_and_model_paths(client, client_for, live_cast):
    from accounts.models import User

    beat_model_worker()
    operator = User.objects.create_superuser("operator@example.com", "correct-horse-battery")
    client.force_login(operator)
    listing = client.get(reverse("admin:ops_workerheartbeat_changelist"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert HOST in body and str(PID) in body and MODEL_PATH in body
    row = WorkerHeartbeat.objects.get(hostname=HOST)
    detail = client.get(reverse("admin:ops_workerheartbeat_change", args=[row.pk]))
    assert detail.status_code == 200 and MODEL_PATH in detail.content.decode()


def test_only_superusers_open_the_workers_in_the_admin(client_for, cast):
    from accounts.models import User

    beat_model_worker()
    url = reverse("admin:ops_workerheartbeat_changelist")
    # A tenant's admin is not platform staff: sent to the admin login.
    response = client_for(cast.alice).get(url)
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]
    # Staff without superuser rights: refused, and the admin index does not list it.
    staff = User.objects.create_user("staff@example.com", "correct-horse-battery", is_staff=True)
    assert client_for(staff).get(url).status_code == 403
    index = client_for(staff).get(reverse("admin:index")).content.decode()
    assert "Worker heartbeats" not in index and HOST not in index


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
