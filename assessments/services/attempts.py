"""Taking an assessment: start or resume, save answers as you go, submit, score."""

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments import scoring
from assessments.models import Answer, Attempt, Campaign, CompetencyScore, Item, Option
from tenancy.models import Membership

MAX_TEXT = 4000
# Sent by name: tasks.py calls the services, so the services do not import it (no cycle).
SCORE_FREE_TEXT_TASK = "assessments.score_free_text"


class CampaignClosed(ValidationError):
    pass


def campaign_is_open(campaign: Campaign) -> bool:
    return campaign.opens_at <= timezone.now() < campaign.closes_at


def ensure_open(campaign: Campaign) -> None:
    now = timezone.now()
    if now < campaign.opens_at:
        raise CampaignClosed(f"This campaign opens on {campaign.opens_at:%Y-%m-%d %H:%M} UTC.")
    if now >= campaign.closes_at:
        raise CampaignClosed(
            f"This campaign closed on {campaign.closes_at:%Y-%m-%d %H:%M} UTC; answers are no "
            "longer accepted."
        )


def is_eligible(campaign: Campaign, membership: Membership) -> bool:
    department_ids = set(campaign.departments.values_list("pk", flat=True))
    if department_ids and membership.department_id not in department_ids:
        return False
    return not campaign.job_tracks or membership.job_track in campaign.job_tracks


class NoItems(ValidationError):
    pass


NO_ITEMS = (
    "This campaign has no questions for your role yet, so there is nothing to answer; "
    "please ask your administrator."
)


def member_items(version_id: int, membership: Membership) -> QuerySet[Item]:
    """A version's active items for a member: common ones and those of their track."""
    return Item.objects.filter(
        version_id=version_id, retired=False, track__in=["", membership.job_track]
    )


def items_for(attempt: Attempt) -> QuerySet[Item]:
    """The attempt's items: its version's active items, common or for the member's track."""
    return (
        member_items(attempt.version_id, attempt.membership)
        .select_related("competency")
        .prefetch_related("options")
        .order_by("competency__position", "position")
    )


def sections(attempt: Attempt) -> list[tuple]:
    """(competency, [items]) in order: one section per competency."""
    out: list[tuple] = []
    for item in items_for(attempt):
        if not out or out[-1][0].pk != item.competency_id:
            out.append((item.competency, []))
        out[-1][1].append(item)
    return out


@transaction.atomic
def attempt_start(*, campaign: Campaign, membership: Membership) -> Attempt:
    """Start the member's attempt, or return the one they started (on any device)."""
    existing = Attempt.objects.filter(campaign=campaign, membership=membership).first()
    if existing:
        return existing
    ensure_open(campaign)
    if not is_eligible(campaign, membership):
        raise PermissionDenied("This campaign is not addressed to your department or role.")
    if not member_items(campaign.version_id, membership).exists():
        raise NoItems(NO_ITEMS)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                organization_id=campaign.organization_id,
                campaign=campaign,
                membership=membership,
                version_id=campaign.version_id,
            )
    except IntegrityError:  # the same person started it twice at once
        return Attempt.objects.get(campaign=campaign, membership=membership)


def _auto_score(item: Item, option: Option | None, selected: list[str]) -> float | None:
    """None for "I don't have an AI tool for this": left out of every score."""
    if item.type == Item.Type.SCENARIO:
        return scoring.scenario_score(option.score)
    if item.type == Item.Type.MULTI_SELECT:
        options = list(item.options.all())
        return scoring.multi_select_score(
            selected, {o.key for o in options if o.correct}, {o.key for o in options}
        )
    if item.type == Item.Type.FREQUENCY:
        return scoring.frequency_score(option.score, not_applicable=option.not_applicable)
    return scoring.scale_score(option.score)  # attitude


@transaction.atomic
def answer_save(
    *,
    attempt: Attempt,
    item_id: int,
    option_key: str | None = None,
    selected: list[str] | None = None,
    text: str | None = None,
) -> Answer | None:
    """Validate and store one answer (saved as you go). Raises ValidationError saying what
    is wrong; nothing is stored then. A multi-select with nothing ticked is no answer: it
    withdraws a previous one and returns None (a form renders every multi-select, so an
    untouched one must not count as answered)."""
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ValidationError("This assessment has been submitted; answers can't change.")
    ensure_open(attempt.campaign)
    item = items_for(attempt).filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item": f"Question {item_id} is not part of this assessment."})
    option, chosen, body = None, [], ""
    if item.type in Item.FREE_TEXT:
        body = (text or "").strip()
        if not body:
            raise ValidationError({"text": "Write an answer before saving."})
        if len(body) > MAX_TEXT:
            raise ValidationError(
                {
                    "text": f"Answers are limited to {MAX_TEXT:,} characters; "
                    f"this one has {len(body):,}."
                }
            )
        score = None  # scored by the model worker after submission
    elif item.type == Item.Type.MULTI_SELECT:
        keys = {o.key for o in item.options.all()}
        chosen = sorted(set(selected or []))
        unknown = [k for k in chosen if k not in keys]
        if unknown:
            raise ValidationError(
                {"selected": f"Options {unknown} do not belong to question {item.key}."}
            )
        if not chosen:
            Answer.objects.filter(attempt=attempt, item=item).delete()
            return None
        score = _auto_score(item, None, chosen)
    else:
        option = next((o for o in item.options.all() if o.key == option_key), None)
        if option is None:
            raise ValidationError(
                {"option": f"Option {option_key!r} does not belong to question {item.key}."}
            )
        score = _auto_score(item, option, [])
    answer, _ = Answer.objects.update_or_create(
        organization_id=attempt.organization_id,
        attempt=attempt,
        item=item,
        defaults={
            "option": option,
            "selected": chosen,
            "text": body,
            "score": score,
            "source": Answer.Source.AUTO,
            "confidence": None,
        },
    )
    return answer


def progress(attempt: Attempt) -> tuple[int, int]:
    total = items_for(attempt).count()
    answered = Answer.objects.filter(attempt=attempt).count()
    return answered, total


@transaction.atomic
def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Submit (twice is harmless). Rule-scored items are final at once; free-text answers
    go to the model worker, and the attempt is scored when they are in."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return attempt
    ensure_open(attempt.campaign)
    answered = set(Answer.objects.filter(attempt=attempt).values_list("item_id", flat=True))
    missing = [i for i in items_for(attempt) if i.pk not in answered]
    if missing:
        raise ValidationError(
            f"{len(missing)} question(s) still need an answer, "
            f"e.g. in {missing[0].competency.name}."
        )
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.department_id = attempt.membership.department_id
    attempt.save(update_fields=["status", "submitted_at", "department"])
    pending = list(
        Answer.objects.filter(
            attempt=attempt, score__isnull=True, item__type__in=Item.FREE_TEXT
        ).values_list("pk", flat=True)
    )
    if pending:
        org_id = attempt.organization_id
        transaction.on_commit(
            lambda: [
                current_app.send_task(SCORE_FREE_TEXT_TASK, args=(org_id, answer_id))
                for answer_id in pending
            ]
        )
    else:
        attempt_finalize(attempt=attempt)
    return attempt


@transaction.atomic
def attempt_finalize(*, attempt: Attempt) -> Attempt:
    """Score the attempt once every answer has a score; otherwise leave it submitted."""
    answers = list(Answer.objects.filter(attempt=attempt).select_related("item__competency"))
    # A free-text answer without a score is pending; a "no AI tool" answer is final at None.
    pending = any(a.score is None and a.item.type in Item.FREE_TEXT for a in answers)
    if pending or attempt.status == Attempt.Status.SCORED:
        return attempt
    version = attempt.version
    competencies = list(version.competencies.order_by("position"))
    result = scoring.score_attempt(
        [(a.item.competency.key, a.item.type, a.score) for a in answers],
        version.levels,
        [c.key for c in competencies],
    )
    apply_result(attempt, result, competencies)
    return attempt


def apply_result(attempt: Attempt, result: scoring.Result, competencies: list) -> None:
    """Store a computed result on the attempt and its competency scores."""
    CompetencyScore.objects.filter(attempt=attempt).delete()
    CompetencyScore.objects.bulk_create(
        [
            CompetencyScore(
                organization_id=attempt.organization_id,
                attempt=attempt,
                competency=c,
                score=result.competency_scores[c.key],
                level=result.competency_levels[c.key],
            )
            for c in competencies
            # A competency with no scored item for this person has no score (not 0).
            if c.key in result.competency_scores
        ]
    )
    attempt.overall_score = result.overall_score
    attempt.overall_level = result.overall_level
    attempt.segment = result.segment
    attempt.status = Attempt.Status.SCORED
    attempt.save(update_fields=["overall_score", "overall_level", "segment", "status"])
