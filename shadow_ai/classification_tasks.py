"""Celery tasks on the model queue for classification (thin: ids in, counts out).

Ingestion sends `shadow_ai.classify_hosts` by name, after its commit, with the ids of the
HostClassification rows it created; this module is imported by ShadowAiConfig.ready so the
worker knows the tasks.
"""

from celery import shared_task

from shadow_ai.services.classification import (
    CLASSIFY_HOSTS_TASK,
    CLASSIFY_PROMPTS_TASK,
    hosts_classify,
    prompts_classify,
)


@shared_task(name=CLASSIFY_HOSTS_TASK, acks_late=True, max_retries=3, retry_backoff=True)
def classify_hosts_task(org_id: int, host_ids: list[int]) -> dict[str, int]:
    return hosts_classify(org_id=org_id, host_ids=host_ids)


@shared_task(name=CLASSIFY_PROMPTS_TASK, acks_late=True, max_retries=3, retry_backoff=True)
def classify_prompts_task(org_id: int, prompt_ids: list[int]) -> dict[str, int]:
    return prompts_classify(org_id=org_id, prompt_ids=prompt_ids)


@shared_task(name="shadow_ai.requeue_classification")
def requeue_classification_task() -> int:
    """Beat: prompts waiting for labels, and hosts whose classification was lost."""
    from shadow_ai.services.classification import classification_requeue

    return classification_requeue()
