"""Model worker start-up: load each model once, when a worker serving the model queue starts.

A missing or corrupt model is reported (log, status page) but does not stop the worker, so
there is no crash loop; its tasks then fail with the reason.
"""

import logging

from celery.signals import worker_ready
from django.conf import settings

logger = logging.getLogger(__name__)


@worker_ready.connect
def load_models_on_start(sender, **kwargs) -> None:
    queues = {q.name for q in sender.task_consumer.queues}
    if settings.MODEL_QUEUE not in queues or not settings.SLM_PRELOAD:
        return
    from slm import runtime

    status = runtime.load_all()
    logger.info("model worker ready", extra={"models": status})
