"""Celery tasks on the model queue: thin wrappers that take ids and plain data.

Model errors that a retry can fix (a transient device error) are retried with back-off;
a missing model is not, and the task fails with its reason (recorded as an invocation).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task

from slm import services
from slm.registry import ModelUnavailable
from tenancy.models import Organization


class TransientModelError(RuntimeError):
    """A failure that a later try may not meet: the device ran out of memory even for a
    single item, or the CUDA runtime reported an error."""


@contextmanager
def _transient_errors() -> Iterator[None]:
    import torch

    try:
        yield
    except torch.OutOfMemoryError as exc:
        raise TransientModelError(f"out of memory: {exc}") from exc
    except RuntimeError as exc:
        if "CUDA" not in str(exc):
            raise
        raise TransientModelError(str(exc)) from exc


def _organization(org_id: int) -> Organization:
    return Organization.objects.get(pk=org_id)


RETRY = {
    "autoretry_for": (TransientModelError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 3,
    "dont_autoretry_for": (ModelUnavailable,),
}


@shared_task(name="slm.embed", **RETRY)
def embed_task(org_id: int, texts: list[str]) -> list[list[float]]:
    with _transient_errors():
        return services.embed(texts, organization=_organization(org_id)).tolist()


@shared_task(name="slm.classify", **RETRY)
def classify_task(
    org_id: int,
    texts: list[str],
    examples: dict[str, list[str]],
    item_type: str = "",
    item_ids: list[str] | None = None,
) -> list[dict]:
    with _transient_errors():
        results = services.classify(
            texts,
            examples,
            organization=_organization(org_id),
            item_type=item_type,
            item_ids=item_ids,
        )
    return [r.__dict__ for r in results]


@shared_task(name="slm.cluster", **RETRY)
def cluster_task(org_id: int, texts: list[str], k: int) -> list[dict]:
    with _transient_errors():
        clusters = services.cluster(texts, k, organization=_organization(org_id))
    return [c.__dict__ for c in clusters]


@shared_task(name="slm.generate", **RETRY)
def generate_task(
    org_id: int, conversations: list[list[dict]], max_new_tokens: int = 128
) -> list[dict]:
    with _transient_errors():
        results = services.generate(
            conversations, organization=_organization(org_id), max_new_tokens=max_new_tokens
        )
    return [r.__dict__ for r in results]


@shared_task(name="slm.draft_grounded", **RETRY)
def draft_grounded_task(org_id: int, facts: dict, instructions: str, title: str = "") -> dict:
    with _transient_errors():
        draft = services.draft_grounded(
            facts, instructions, organization=_organization(org_id), title=title
        )
    return draft.__dict__
