"""The reviewer's side of the review queue."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from slm.models import ReviewItem


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
    decided_label = (
        item.model_output.get("label") if status == ReviewItem.Status.ACCEPTED else label
    )
    item.status = status
    item.decision = {"label": decided_label.strip() if decided_label else None}
    item.reviewer = reviewer
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "decision", "reviewer", "decided_at"])
    audit_record(
        organization=item.organization,
        actor=reviewer,
        action="review.decided",
        target=item,
        before={"status": "pending", "label": item.model_output.get("label")},
        after={"status": status, "label": item.decision["label"]},
    )
    return item
