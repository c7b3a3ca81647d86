"""What the workers report about themselves, in two views.

Tenants share the workers, so a tenant's admin sees only what concerns the tenant: whether
each queue is served and whether each model is loaded. Host names, process ids and model
paths (in load errors) describe the platform's machines; they are for its operators, in
the Django admin (ops.admin).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ops.models import WorkerHeartbeat

REQUIRED_QUEUES = ("default", settings.MODEL_QUEUE)
MODEL_ROLES = ("embedder", "generator")


def stale_after() -> timedelta:
    # Three missed beats before a worker counts as gone.
    return timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)


def _live_workers():
    return WorkerHeartbeat.objects.filter(
        stopped_at__isnull=True, last_seen__gte=timezone.now() - stale_after()
    )


def is_alive(worker: WorkerHeartbeat) -> bool:
    return worker.stopped_at is None and timezone.now() - worker.last_seen <= stale_after()


def queues_without_live_worker() -> list[str]:
    live = _live_workers().values_list("queues", flat=True)
    served = {queue for queues in live for queue in queues}
    return [q for q in REQUIRED_QUEUES if q not in served]


def queue_health() -> list[dict]:
    """For tenants: each queue the platform needs, and whether a live worker serves it."""
    missing = set(queues_without_live_worker())
    return [{"queue": queue, "alive": queue not in missing} for queue in REQUIRED_QUEUES]


def model_health() -> list[dict]:
    """For tenants: each model role and its state on the live model workers - 'loaded',
    'failed' or 'not loaded' - without the model's path or the error's text."""
    states: dict[str, set[str]] = {role: set() for role in MODEL_ROLES}
    for details in _live_workers().values_list("details", flat=True):
        for role, state in (details or {}).get("models", {}).items():
            states.setdefault(role, set()).add(str(state).split(":", 1)[0].strip())
    rows = []
    for role, reported in states.items():
        if "loaded" in reported:
            state = "loaded"
        elif "error" in reported:
            state = "failed"
        else:
            state = "not loaded"
        rows.append({"role": role, "state": state})
    return rows
