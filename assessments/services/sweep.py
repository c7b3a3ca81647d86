"""The periodic sweep for lost free-text scoring.

Submitting sends each written answer to the model worker after commit. If the broker is
down at that moment, or the worker drops the task (model missing, crash before the ack),
nothing would ever score the answer and the attempt would stay submitted for ever. The
sweep finds written answers of submitted attempts that have no score and no reviewer
waiting on them, and sends them again (the task is idempotent: a scored answer is left
alone). Answers still unscored long after submission go to the review queue instead, so a
person scores them when the model cannot.
"""

from datetime import timedelta

from celery import current_app
from django.utils import timezone

from assessments.models import Answer, Attempt, Item
from assessments.services.attempts import SCORE_FREE_TEXT_TASK
from assessments.services.free_text_scoring import REVIEW_ITEM_TYPE, answer_review_request
from slm.models import ReviewItem
from tenancy.context import org_context
from tenancy.models import Organization

SWEEP_TASK = "assessments.requeue_lost_scoring"
# A task sent at submission normally finishes in seconds; older than this it is lost.
LOST_AFTER = timedelta(minutes=15)
# After this long without a model score, a person scores the answer.
TO_REVIEW_AFTER = timedelta(hours=24)


def _lost_answers(now) -> list[Answer]:
    waiting = set(
        ReviewItem.objects.filter(item_type=REVIEW_ITEM_TYPE).values_list("item_id", flat=True)
    )
    answers = Answer.objects.filter(
        attempt__status=Attempt.Status.SUBMITTED,
        attempt__submitted_at__lt=now - LOST_AFTER,
        item__type__in=Item.FREE_TEXT,
        score__isnull=True,
    ).select_related("attempt", "item")
    return [a for a in answers if str(a.pk) not in waiting]


def lost_scoring_requeue() -> int:
    """Re-send lost free-text scoring, organisation by organisation; returns how many
    answers were re-sent or handed to a reviewer."""
    now = timezone.now()
    resend: list[tuple[int, int]] = []
    handled = 0
    for organization in Organization.objects.all():
        with org_context(organization):
            for answer in _lost_answers(now):
                handled += 1
                if answer.attempt.submitted_at < now - TO_REVIEW_AFTER:
                    answer_review_request(
                        answer=answer,
                        scored=None,
                        confidence=0.0,
                        reason="No score from the model worker within a day of submission.",
                    )
                else:
                    resend.append((organization.pk, answer.pk))
    # Sent outside every organisation's transaction: no network call inside a context.
    for org_id, answer_id in resend:
        current_app.send_task(SCORE_FREE_TEXT_TASK, args=(org_id, answer_id))
    return handled
