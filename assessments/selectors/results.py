"""A taker's own result: per-item feedback and the provisional result while written answers
are still being scored. Plain data for the result page and the certificate."""

from dataclasses import dataclass, field

from assessments import scoring
from assessments.models import Answer, Attempt, Item
from slm.models import ReviewItem

# The review queue's kind for free-text answers (services.free_text_scoring.REVIEW_ITEM_TYPE;
# selectors may not import services, and a test checks the two are the same).
REVIEW_ITEM_TYPE = "assessments.Answer"


@dataclass
class ItemFeedback:
    key: str
    competency_key: str
    competency: str
    type: str
    prompt: str
    your_answer: list[str]
    best_answer: list[str]
    rationale: str
    # "pending" (being scored), "review" (waiting for a person), "scored", "not_applicable"
    state: str
    credit: int | None  # 0-100, None while pending or not applicable
    missed: bool = False
    extra: dict = field(default_factory=dict)


def _pending_review_ids(answer_ids: list[int]) -> set[int]:
    return {
        int(pk)
        for pk in ReviewItem.objects.filter(
            item_type=REVIEW_ITEM_TYPE,
            status=ReviewItem.Status.PENDING,
            item_id__in=[str(pk) for pk in answer_ids],
        ).values_list("item_id", flat=True)
    }


def _answer_texts(item: Item, answer: Answer, options: list) -> tuple[list[str], list[str]]:
    if item.type in Item.FREE_TEXT:
        task = item.task or {}
        best = task.get("planted_errors") or task.get("rubric") or []
        return [answer.text], list(best)
    if item.type == Item.Type.MULTI_SELECT:
        return (
            [o.text for o in options if o.key in set(answer.selected)],
            [o.text for o in options if o.correct],
        )
    yours = [answer.option.text] if answer.option_id else []
    if item.type == Item.Type.ATTITUDE:
        return yours, []  # no right answer: attitudes never count towards a score
    scored = [o for o in options if not o.not_applicable]
    top = max((o.score for o in scored), default=0)
    return yours, [o.text for o in scored if o.score == top]


def attempt_feedback(attempt: Attempt) -> list[ItemFeedback]:
    """Every answered item of a submitted attempt, in the order it was asked: the taker's
    answer, the best answer, the rationale and the credit given (or that it is pending)."""
    answers = list(
        Answer.objects.filter(attempt=attempt)
        .select_related("item__competency", "option")
        .prefetch_related("item__options")
        .order_by("item__competency__position", "item__position")
    )
    in_review = _pending_review_ids([a.pk for a in answers if a.score is None])
    rows = []
    for answer in answers:
        item = answer.item
        options = list(item.options.all())
        yours, best = _answer_texts(item, answer, options)
        if answer.score is not None:
            state, credit = "scored", round(100 * answer.score)
        elif item.type in Item.FREE_TEXT:
            state, credit = ("review" if answer.pk in in_review else "pending"), None
        else:
            state, credit = "not_applicable", None
        rows.append(
            ItemFeedback(
                key=item.key,
                competency_key=item.competency.key,
                competency=item.competency.name,
                type=item.type,
                prompt=item.prompt,
                your_answer=yours,
                best_answer=best,
                rationale=item.rationale,
                state=state,
                credit=credit,
                # Missed: a knowledge item that earned less than full credit. Frequency and
                # attitude answers describe habits and views, not mistakes.
                missed=(
                    credit is not None
                    and credit < 100
                    and item.type not in (Item.Type.ATTITUDE, Item.Type.FREQUENCY)
                ),
            )
        )
    return rows


def provisional_result(attempt: Attempt) -> scoring.Result:
    """The result over the answers scored so far; answers still being scored or waiting
    for a reviewer are left out (and shown as pending)."""
    answers = Answer.objects.filter(attempt=attempt).select_related("item__competency")
    competencies = list(attempt.version.competencies.order_by("position"))
    return scoring.score_attempt(
        [(a.item.competency.key, a.item.type, a.score) for a in answers],
        attempt.version.levels,
        [c.key for c in competencies],
    )
