"""Workers write their own heartbeat, so /readyz and the status page work with any broker
(the file-based one has no remote control to ask workers who they are)."""

import logging
import os
import threading
from collections.abc import Callable

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)
_stop = threading.Event()


# What a worker reports about itself beyond being alive, per queue it serves (the model
# worker: which models are loaded). The modules that own those queues register a provider
# in their AppConfig.ready, so ops knows none of them.
_DETAILS: dict[str, dict[str, Callable[[], dict]]] = {}


def register_details(queue: str, name: str, provider: Callable[[], dict]) -> None:
    """`provider()` returns a dict merged into the heartbeat's details of every worker that
    serves `queue`; `name` makes registering twice harmless."""
    _DETAILS.setdefault(queue, {})[name] = provider


def details(queues: list[str]) -> dict:
    out: dict = {}
    for queue in queues:
        for provider in _DETAILS.get(queue, {}).values():
            out.update(provider())
    return out


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
