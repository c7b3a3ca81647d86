"""Scoring free-text answers through the model worker, with human review when unsure."""

from django.db import transaction

from assessments import scoring
from assessments.free_text import score_text
from assessments.models import Answer
from assessments.services.attempts import attempt_finalize
from slm.models import ReviewItem
from tenancy.context import org_context
from tenancy.models import Organization

REVIEW_ITEM_TYPE = "assessments.Answer"


def answer_score_free_text(*, org_id: int, answer_id: int) -> str:
    """Score one answer (idempotent: an answer already scored is left alone)."""
    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        answer = Answer.objects.select_related("item", "attempt").filter(pk=answer_id).first()
        if answer is None or answer.score is not None:
            return "skipped"
        points, confidence, details = score_text(
            answer.item, answer.text, organization=organization
        )
        with transaction.atomic():
            answer = Answer.objects.select_for_update().get(pk=answer_id)
            if answer.score is not None:
                return "skipped"
            answer.confidence = confidence
            if confidence < organization.model_confidence_threshold:
                if not ReviewItem.objects.filter(
                    item_type=REVIEW_ITEM_TYPE, item_id=str(answer.pk)
                ).exists():
                    ReviewItem.objects.create(
                        organization=organization,
                        task="score_free_text",
                        item_type=REVIEW_ITEM_TYPE,
                        item_id=str(answer.pk),
                        input_text=answer.text,
                        model_output={"label": str(points), "points": points, **details},
                        confidence=confidence,
                    )
                answer.save(update_fields=["confidence"])
                return "review"
            answer.score = scoring.rubric_score(points)
            answer.source = Answer.Source.MODEL
            answer.save(update_fields=["score", "source", "confidence"])
            attempt_finalize(attempt=answer.attempt)
    return "scored"


def check_review_label(label: str) -> str | None:
    """A reviewer's corrected score must be one of the rubric's points."""
    if label not in {"0", "1", "2", "3"}:
        return "A free-text score is 0, 1, 2 or 3 points."
    return None


def apply_review_decision(item: ReviewItem) -> None:
    """A reviewer decided a free-text score: accepted keeps the model's points, corrected
    sets the reviewer's (0-3), rejected means no credit."""
    if item.status == ReviewItem.Status.REJECTED:
        points = 0
    else:
        try:
            points = int(item.decision["label"])
        except (TypeError, ValueError):
            points = int(item.model_output.get("points", 0))
    answer = Answer.objects.select_related("attempt").get(pk=int(item.item_id))
    answer.score = scoring.rubric_score(points)
    answer.source = Answer.Source.HUMAN
    answer.save(update_fields=["score", "source"])
    attempt_finalize(attempt=answer.attempt)
