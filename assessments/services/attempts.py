"""Taking an assessment: start or resume (or retake), save answers as you go, submit, score."""

import random
from datetime import timedelta

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from assessments import scoring
from assessments.free_text.rules import passage_sentences
from assessments.models import Answer, Attempt, Campaign, CompetencyScore, Item, Option
from tenancy.models import Membership

MAX_TEXT = 4000
MAX_EXPLANATION = 500  # what is wrong with one marked sentence
# Options of these types are shown in an order shuffled per attempt; frequency and attitude
# options are ordered scales and keep their order.
SHUFFLED = ("scenario", "multi_select")
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


def draw_items(version_id: int, membership: Membership, seed: int, seen: set[int]) -> list[int]:
    """One item per blueprint slot (items sharing `slot` are parallel forms), preferring
    items this person has not had in an earlier attempt; chosen with the attempt's seed."""
    rng = random.Random(seed)
    slots: dict[str, list[tuple[int, bool]]] = {}
    for pk, slot, key in member_items(version_id, membership).values_list("pk", "slot", "key"):
        slots.setdefault(slot or f"item:{key}", []).append((pk, pk in seen))
    drawn = []
    for _slot, candidates in sorted(slots.items()):
        fresh = [pk for pk, was_seen in candidates if not was_seen]
        drawn.append(rng.choice(sorted(fresh or [pk for pk, _ in candidates])))
    return sorted(drawn)


def items_for(attempt: Attempt) -> QuerySet[Item]:
    """The attempt's items: those drawn at its start (or, for an attempt started before
    items were drawn, its version's active items, common or for the member's track)."""
    if attempt.item_ids:
        items = Item.objects.filter(pk__in=attempt.item_ids, retired=False)
    else:
        items = member_items(attempt.version_id, attempt.membership)
    return items.select_related("competency").order_by("competency__position", "position")


def option_order(attempt: Attempt, item: Item) -> list[Option]:
    """The item's options in this attempt's order: shuffled per attempt (seeded, so a
    resumed attempt shows the same order) for scenarios and multi-selects."""
    options = list(item.options.all())
    if item.type in SHUFFLED:
        random.Random(f"{attempt.seed}:{item.pk}").shuffle(options)
    return options


def with_options(attempt: Attempt, items: list[Item]) -> list[Item]:
    """Load the options of one section's items (one query) and put them, in this attempt's
    order, on each item as `shown_options`. Only the section shown or saved needs them."""
    prefetch_related_objects(items, "options")
    for item in items:
        item.shown_options = option_order(attempt, item)
    return items


def sections(attempt: Attempt) -> list[tuple]:
    """(competency, [items]) in order: one section per competency (options not loaded:
    see `with_options`)."""
    out: list[tuple] = []
    for item in items_for(attempt):
        if not out or out[-1][0].pk != item.competency_id:
            out.append((item.competency, []))
        out[-1][1].append(item)
    return out


def latest_attempt(campaign: Campaign, membership: Membership) -> Attempt | None:
    return (
        Attempt.objects.filter(campaign=campaign, membership=membership).order_by("-number").first()
    )


def _create_attempt(campaign: Campaign, membership: Membership, number: int) -> Attempt:
    seen = set()
    for ids in Attempt.objects.filter(
        campaign__version__framework_id=campaign.version.framework_id, membership=membership
    ).values_list("item_ids", flat=True):
        seen.update(ids or [])
    seed = random.SystemRandom().randrange(1, 2**31)
    item_ids = draw_items(campaign.version_id, membership, seed, seen)
    if not item_ids:
        raise NoItems(NO_ITEMS)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                organization_id=campaign.organization_id,
                campaign=campaign,
                membership=membership,
                version_id=campaign.version_id,
                number=number,
                item_ids=item_ids,
                seed=seed,
            )
    except IntegrityError:  # the same person started it twice at once
        return Attempt.objects.get(campaign=campaign, membership=membership, number=number)


def attempt_start(*, campaign: Campaign, membership: Membership) -> Attempt:
    """Start the member's attempt, or return their latest one (on any device). Resuming,
    the common case, reads one row and opens no transaction."""
    existing = latest_attempt(campaign, membership)
    if existing:
        return existing
    return _attempt_first(campaign=campaign, membership=membership)


@transaction.atomic
def _attempt_first(*, campaign: Campaign, membership: Membership) -> Attempt:
    ensure_open(campaign)
    if not is_eligible(campaign, membership):
        raise PermissionDenied("This campaign is not addressed to your department or role.")
    return _create_attempt(campaign, membership, 1)


def retake_available_from(campaign: Campaign, attempt: Attempt | None):
    """When the person may retake after `attempt` (a datetime, possibly past), or None when
    the campaign allows no retake or the attempt isn't submitted."""
    if attempt is None or attempt.status == Attempt.Status.IN_PROGRESS:
        return None
    if campaign.retakes == Campaign.Retakes.UNLIMITED:
        return attempt.submitted_at
    if campaign.retakes == Campaign.Retakes.AFTER_DAYS:
        return attempt.submitted_at + timedelta(days=campaign.retake_after_days)
    return None


def retake_policy_text(campaign: Campaign) -> str:
    if campaign.retakes == Campaign.Retakes.UNLIMITED:
        return "You may retake this assessment as often as you like while it is open."
    if campaign.retakes == Campaign.Retakes.AFTER_DAYS:
        days = campaign.retake_after_days
        return (
            f"You may retake this assessment {days} day{'s' if days != 1 else ''} after submitting."
        )
    return "This assessment can be taken once."


@transaction.atomic
def attempt_retake(*, campaign: Campaign, membership: Membership) -> Attempt:
    """A new attempt after a submitted one, as the campaign's retake policy allows; it draws
    items the person has not had where the blueprint has parallel items."""
    latest = latest_attempt(campaign, membership)
    if latest is None:
        return attempt_start(campaign=campaign, membership=membership)
    if latest.status == Attempt.Status.IN_PROGRESS:
        return latest
    ensure_open(campaign)
    if not is_eligible(campaign, membership):
        raise PermissionDenied("This campaign is not addressed to your department or role.")
    available = retake_available_from(campaign, latest)
    if available is None:
        raise ValidationError("This campaign does not allow retakes.")
    if available > timezone.now():
        raise ValidationError(
            f"You can retake this assessment from {available:%Y-%m-%d %H:%M} UTC."
        )
    return _create_attempt(campaign, membership, latest.number + 1)


def _auto_score(item: Item, option: Option | None, selected: list[str]) -> float | None:
    """None for "I don't have an AI tool for this": left out of every score."""
    if item.type == Item.Type.SCENARIO:
        return scoring.scenario_score(option.score, [o.score for o in item.options.all()])
    if item.type == Item.Type.MULTI_SELECT:
        options = list(item.options.all())
        return scoring.multi_select_score(
            selected, {o.key for o in options if o.correct}, {o.key for o in options}
        )
    if item.type == Item.Type.FREQUENCY:
        return scoring.frequency_score(option.score, not_applicable=option.not_applicable)
    return scoring.scale_score(option.score)  # attitude


def _marks(item: Item, marks: dict | None) -> dict[str, str]:
    """Validated error-spotting marks: {sentence number: what is wrong}, numbers 1..n."""
    count = len(passage_sentences((item.task or {}).get("passage", "")))
    out = {}
    for raw, why in (marks or {}).items():
        number = str(raw).strip()
        if not number.isdigit() or not 1 <= int(number) <= count:
            raise ValidationError(
                {
                    "marks": f"Sentence {raw!r} is not in the passage of question {item.key} "
                    f"(it has {count} sentences)."
                }
            )
        why = (why or "").strip()
        if len(why) > MAX_EXPLANATION:
            raise ValidationError(
                {
                    "marks": f"What is wrong with sentence {number} is limited to "
                    f"{MAX_EXPLANATION} characters; it has {len(why):,}."
                }
            )
        out[str(int(number))] = why
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def marks_text(marks: dict[str, str]) -> str:
    """The marks as one text (the review queue, feedback and exports show it)."""
    return "\n".join(f"Sentence {n}: {why or '(no explanation)'}" for n, why in marks.items())


def _answer_values(
    item: Item,
    *,
    option_key: str | None = None,
    selected: list[str] | None = None,
    text: str | None = None,
    marks: dict | None = None,
) -> dict | None:
    """The stored values of one answer, or None for "no answer" (an untouched multi-select
    or error-spotting passage: it withdraws a previous answer). Raises ValidationError
    saying what is wrong."""
    option, chosen, body, checked = None, [], "", {}
    if item.type == Item.Type.ERROR_SPOTTING and marks is not None:
        checked = _marks(item, marks)
        if not checked:
            return None
        body = marks_text(checked)
        score = None
    elif item.type in Item.FREE_TEXT:
        body = (text or "").strip()
        if not body:
            raise ValidationError({"text": "Write an answer before saving."})
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
            return None
        score = _auto_score(item, None, chosen)
    else:
        option = next((o for o in item.options.all() if o.key == option_key), None)
        if option is None:
            raise ValidationError(
                {"option": f"Option {option_key!r} does not belong to question {item.key}."}
            )
        score = _auto_score(item, option, [])
    if len(body) > MAX_TEXT:
        raise ValidationError(
            {"text": f"Answers are limited to {MAX_TEXT:,} characters; this one has {len(body):,}."}
        )
    return {
        "option": option,
        "selected": chosen,
        "text": body,
        "marks": checked,
        "score": score,
        "source": Answer.Source.AUTO,
        "confidence": None,
    }


def _check_open(attempt: Attempt) -> None:
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ValidationError("This assessment has been submitted; answers can't change.")
    ensure_open(attempt.campaign)


@transaction.atomic
def answer_save(*, attempt: Attempt, item_id: int, **payload) -> Answer | None:
    """Validate and store one answer (saved as you go): `option_key`, `selected`, `text` or
    `marks` by the item's type. Raises ValidationError saying what is wrong; nothing is
    stored then. A multi-select with nothing ticked (or a passage with nothing marked) is no
    answer: it withdraws a previous one and returns None (a form renders every multi-select,
    so an untouched one must not count as answered)."""
    _check_open(attempt)
    item = items_for(attempt).prefetch_related("options").filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item": f"Question {item_id} is not part of this assessment."})
    values = _answer_values(item, **payload)
    if values is None:
        Answer.objects.filter(attempt=attempt, item=item).delete()
        return None
    answer, _ = Answer.objects.update_or_create(
        organization_id=attempt.organization_id, attempt=attempt, item=item, defaults=values
    )
    return answer


# One transaction with the caller's (the request's organisation context): no savepoint of
# its own, one round trip fewer on the path every taker hits.
@transaction.atomic(savepoint=False)
def section_save(*, attempt: Attempt, items: list[Item], payloads: dict[int, dict]) -> dict:
    """Store a section's answers at once: one statement for the answers given, one for the
    ones withdrawn, whatever the section's length. `items` are the section's items (with
    their options loaded); `payloads` maps item ids to what `answer_save` takes. Returns
    {item key: error message} for the answers that could not be saved; the others are."""
    _check_open(attempt)
    errors: dict[str, str] = {}
    rows, withdrawn = [], []
    for item in items:
        if item.pk not in payloads:
            continue
        try:
            values = _answer_values(item, **payloads[item.pk])
        except ValidationError as exc:
            errors[item.key] = " ".join(exc.messages)
            continue
        if values is None:
            withdrawn.append(item.pk)
            continue
        rows.append(
            Answer(organization_id=attempt.organization_id, attempt=attempt, item=item, **values)
        )
    if withdrawn:
        Answer.objects.filter(attempt=attempt, item_id__in=withdrawn).delete()
    if rows:
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["organization", "attempt", "item"],
            update_fields=[
                "option",
                "selected",
                "text",
                "marks",
                "score",
                "source",
                "confidence",
                "updated_at",
            ],
        )
    return errors


def progress(attempt: Attempt, total: int | None = None) -> tuple[int, int]:
    """(answered, total); `total` when the caller has counted the items already."""
    total = items_for(attempt).count() if total is None else total
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
    parts = sections(attempt)
    missing = [
        (number, item)
        for number, (_competency, items) in enumerate(parts, start=1)
        for item in items
        if item.pk not in answered
    ]
    if missing:
        # Sections are named by number: their headings don't give the competency away.
        raise ValidationError(
            f"{len(missing)} question(s) still need an answer, e.g. in section {missing[0][0]}."
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
