"""The reviewer's side of the review queue."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from slm.models import ReviewItem


@dataclass(frozen=True)
class DecisionHandler:
    apply: Callable[[ReviewItem], None]  # what a decision does to the module's data
    # The message for a correction's label that the module can't use, or None when it can;
    # given the label and the review item (whose model_output may say what is allowed, such
    # as a written answer's maximum points).
    check_label: Callable[[str, ReviewItem], str | None] | None = None


# Modules whose outputs go to review register their handler in their AppConfig.ready,
# keyed by the review item's item_type: slm names none of them.
DECISION_HANDLERS: dict[str, DecisionHandler] = {}


def register_decision_handler(
    item_type: str,
    apply: Callable[[ReviewItem], None],
    *,
    check_label: Callable[[str, ReviewItem], str | None] | None = None,
) -> None:
    DECISION_HANDLERS[item_type] = DecisionHandler(apply, check_label)


@transaction.atomic
def review_item_decide(*, item: ReviewItem, reviewer, status: str, label: str = "") -> ReviewItem:
    """Record a person's decision. A correction needs the right label; it is kept as a
    labelled example for improving the classifiers."""
    if item.status != ReviewItem.Status.PENDING:
        raise ValidationError({"status": "This item has already been decided."})
    if status not in {
        ReviewItem.Status.ACCEPTED,
        ReviewItem.Status.CORRECTED,
        ReviewItem.Status.REJECTED,
    }:
        raise ValidationError({"status": f"Unknown decision {status!r}."})
    if status == ReviewItem.Status.CORRECTED and not label.strip():
        raise ValidationError({"label": "Give the correct label."})
    handler = DECISION_HANDLERS.get(item.item_type)
    if status == ReviewItem.Status.CORRECTED and handler and handler.check_label:
        problem = handler.check_label(label.strip(), item)
        if problem:
            raise ValidationError({"label": problem})
    decided_label = (
        item.model_output.get("label") if status == ReviewItem.Status.ACCEPTED else label
    )
    item.status = status
    item.decision = {"label": decided_label.strip() if decided_label else None}
    item.reviewer = reviewer
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "decision", "reviewer", "decided_at"])
    if handler is not None:
        handler.apply(item)
    audit_record(
        organization=item.organization,
        actor=reviewer,
        action="review.decided",
        target=item,
        before={"status": "pending", "label": item.model_output.get("label")},
        after={"status": status, "label": item.decision["label"]},
    )
    return item


def llm_endpoint_update(
    *,
    organization,
    actor,
    base_url: str,
    model: str,
    api_key: str | None,
    enabled: bool,
    timeout_seconds: int,
):
    """Create or change the organisation's escalation endpoint.

    `api_key=None` keeps the stored key, `""` removes it, anything else replaces it. The key
    is stored encrypted and never enters the audit log. The URL is checked now (and again
    at every call, since DNS answers change): internal addresses are refused.
    """
    from slm import egress

    try:
        egress.check_url(base_url)
    except egress.EndpointRefused as exc:
        raise ValidationError({"base_url": str(exc)}) from exc
    return _llm_endpoint_save(
        organization=organization,
        actor=actor,
        base_url=base_url,
        model=model,
        api_key=api_key,
        enabled=enabled,
        timeout_seconds=timeout_seconds,
    )


@transaction.atomic
def _llm_endpoint_save(*, organization, actor, base_url, model, api_key, enabled, timeout_seconds):
    from slm.models import LLMEndpoint

    endpoint = LLMEndpoint.objects.first() or LLMEndpoint(organization=organization)
    before = (
        {
            "base_url": endpoint.base_url,
            "model": endpoint.model,
            "enabled": endpoint.enabled,
            "api_key_set": endpoint.has_api_key,
        }
        if endpoint.pk
        else None
    )
    endpoint.base_url, endpoint.model = base_url.strip(), model.strip()
    endpoint.enabled, endpoint.timeout_seconds = enabled, timeout_seconds
    if api_key is not None:
        endpoint.set_api_key(api_key.strip())
    endpoint.full_clean(exclude=["organization"])
    endpoint.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="llm_endpoint.updated",
        target=endpoint,
        before=before,
        after={
            "base_url": endpoint.base_url,
            "model": endpoint.model,
            "enabled": enabled,
            "api_key_set": endpoint.has_api_key,
        },
    )
    return endpoint
