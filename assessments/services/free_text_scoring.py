"""Scoring written answers (rules first, the model worker as a second opinion), and the one
way a written answer goes to the organisation's review queue."""

from django.db import transaction

from assessments import free_text, scoring
from assessments.free_text.rules import passage_sentences
from assessments.models import Answer, Item
from assessments.services.attempts import attempt_finalize
from slm import services
from slm.models import ReviewItem
from slm.registry import ModelUnavailable
from tenancy.context import org_context
from tenancy.models import Organization

REVIEW_ITEM_TYPE = "assessments.Answer"
REVIEW_TASK = "score_free_text"


def answer_score(answer: Answer, *, organization: Organization) -> free_text.Scored:
    """Score one written answer. The model's opinion is asked through the model worker;
    when the model can't be loaded, the rules decide alone (with less confidence)."""
    item = answer.item

    def embed(texts):
        return services.embed(texts, organization=organization, task=REVIEW_TASK)

    arguments = {"text": answer.text, "marks": answer.marks or {}, "prompt": item.prompt}
    try:
        return free_text.score_answer(item.type, item.task or {}, embed=embed, **arguments)
    except ModelUnavailable:
        return free_text.score_answer(item.type, item.task or {}, embed=None, **arguments)


def review_output(item: Item, scored: free_text.Scored | None, reason: str = "") -> dict:
    """What the reviewer sees besides the answer: the question, the rubric or planted errors,
    and the model's decision and reason per criterion. Stored on the review item, so the
    queue (in slm, which knows nothing of assessments) shows it as it is."""
    task = item.task or {}
    error_spotting = item.type == Item.Type.ERROR_SPOTTING
    reference = task.get("passage", "") if error_spotting else task.get("weak_prompt", "")
    output = {
        "label": str(scored.points) if scored else "",
        "points": scored.points if scored else 0,
        "max_points": free_text.MAX_POINTS,
        "question": item.prompt,
        "reference_title": "Passage" if error_spotting else "Prompt to improve",
        "reference": reference,
        "reference_sentences": passage_sentences(reference) if error_spotting else [],
        "expected_title": "Planted errors" if error_spotting else "Rubric (one point each)",
        "expected": list(task.get("planted_errors") or task.get("rubric") or []),
        "reason": reason or (scored.reason if scored else ""),
        "path": scored.path if scored else "",
        "criteria": scored.criteria if scored else [],
    }
    return output


def answer_review_request(
    *, answer: Answer, scored: free_text.Scored | None, confidence: float, reason: str = ""
) -> ReviewItem:
    """Put a written answer in the review queue (once: an answer already there keeps its
    item). Used by scoring below the organisation's threshold and by the lost-scoring sweep."""
    existing = ReviewItem.objects.filter(item_type=REVIEW_ITEM_TYPE, item_id=str(answer.pk)).first()
    if existing:
        return existing
    return ReviewItem.objects.create(
        organization_id=answer.organization_id,
        task=REVIEW_TASK,
        item_type=REVIEW_ITEM_TYPE,
        item_id=str(answer.pk),
        input_text=answer.text,
        model_output=review_output(answer.item, scored, reason),
        confidence=confidence,
    )


def answer_score_free_text(*, org_id: int, answer_id: int) -> str:
    """Score one answer (idempotent: an answer already scored is left alone)."""
    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        answer = Answer.objects.select_related("item", "attempt").filter(pk=answer_id).first()
        if answer is None or answer.score is not None:
            return "skipped"
        scored = answer_score(answer, organization=organization)
        with transaction.atomic():
            answer = Answer.objects.select_for_update().select_related("item").get(pk=answer_id)
            if answer.score is not None:
                return "skipped"
            answer.confidence = scored.confidence
            if scored.confidence < organization.model_confidence_threshold:
                answer_review_request(answer=answer, scored=scored, confidence=scored.confidence)
                answer.save(update_fields=["confidence"])
                return "review"
            answer.score = scoring.rubric_score(scored.points)
            answer.source = Answer.Source.MODEL
            answer.save(update_fields=["score", "source", "confidence"])
            attempt_finalize(attempt=answer.attempt)
    return "scored"


def check_review_label(label: str, item: ReviewItem | None = None) -> str | None:
    """A reviewer's points: a whole number from 0 to the task's maximum."""
    top = int((item.model_output or {}).get("max_points", free_text.MAX_POINTS)) if item else 3
    if not label.isdigit() or not 0 <= int(label) <= top:
        return f"Points are a whole number from 0 to {top}."
    return None


def apply_review_decision(item: ReviewItem) -> None:
    """A reviewer decided a written answer's points: accepted keeps the model's points,
    corrected sets the reviewer's (0..max), rejected means no credit."""
    if item.status == ReviewItem.Status.REJECTED:
        points = 0
    else:
        try:
            points = int(item.decision["label"])
        except (TypeError, ValueError):
            points = int(item.model_output.get("points", 0))
    top = int(item.model_output.get("max_points", free_text.MAX_POINTS))
    answer = Answer.objects.select_related("attempt").get(pk=int(item.item_id))
    answer.score = min(max(points, 0), top) / top
    answer.source = Answer.Source.HUMAN
    answer.save(update_fields=["score", "source"])
    attempt_finalize(attempt=answer.attempt)
