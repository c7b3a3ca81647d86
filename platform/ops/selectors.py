from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ops.models import WorkerHeartbeat

REQUIRED_QUEUES = ("default", settings.MODEL_QUEUE)


def stale_after() -> timedelta:
    # Three missed beats before a worker counts as gone.
    return timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)


def worker_status() -> list[dict]:
    now = timezone.now()
    return [
        {
            "hostname": w.hostname,
            "queues": w.queues,
            "pid": w.pid,
            "started_at": w.started_at,
            "last_seen": w.last_seen,
            "alive": w.stopped_at is None and now - w.last_seen <= stale_after(),
            "models": w.details.get("models", {}),
        }
        for w in WorkerHeartbeat.objects.all()
    ]


def queues_without_live_worker() -> list[str]:
    live = WorkerHeartbeat.objects.filter(
        stopped_at__isnull=True, last_seen__gte=timezone.now() - stale_after()
    ).values_list("queues", flat=True)
    served = {queue for queues in live for queue in queues}
    return [q for q in REQUIRED_QUEUES if q not in served]
