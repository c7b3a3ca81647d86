"""Workers write their own heartbeat, so /readyz and the status page work with any broker
(the file-based one has no remote control to ask workers who they are)."""

import logging
import os
import threading

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)
_stop = threading.Event()


def details(queues: list[str]) -> dict:
    if settings.MODEL_QUEUE not in queues:
        return {}
    from slm.runtime import model_status

    return {"models": model_status()}


def beat(hostname: str, queues: list[str], started_at) -> None:
    from ops.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={
            "queues": queues,
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": timezone.now(),
            "stopped_at": None,
            "details": details(queues),
        },
    )


def _loop(hostname: str, queues: list[str]) -> None:
    started_at = timezone.now()
    while True:
        try:
            beat(hostname, queues, started_at)
        except Exception:
            logger.exception("worker heartbeat failed")
        finally:
            connection.close()
        if _stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            return


@worker_ready.connect
def start_heartbeat(sender, **kwargs) -> None:
    consumer = sender
    queues = sorted(q.name for q in consumer.task_consumer.queues)
    hostname = consumer.hostname
    _stop.clear()
    threading.Thread(target=_loop, args=(hostname, queues), daemon=True, name="heartbeat").start()
    logger.info("worker ready", extra={"hostname": hostname, "queues": queues})


@worker_shutdown.connect
def stop_heartbeat(sender, **kwargs) -> None:
    from ops.models import WorkerHeartbeat

    _stop.set()
    close_old_connections()
    try:
        WorkerHeartbeat.objects.filter(hostname=sender.hostname).update(stopped_at=timezone.now())
    except Exception:
        logger.exception("could not mark worker stopped")
