"""Demo assessment data for Acme: two past campaigns of about 300 attempts each, the second
clearly better (training worked), and one open campaign for the demo employee to take.

Answers are simulated with a simple item-response model, so the analytics have something
real to show and are not tuned to look perfect:
- each person has an ability per competency: a general ability, plus a department effect
  (some departments have had more access and training), plus a track effect per
  competency, plus a person-by-competency part - so the heatmap shows real department
  differences and learning plans differ from person to person;
- each item has a difficulty and a discrimination; the chance of a better option follows
  ability minus difficulty;
- a few items are genuinely weak - answered almost at random, or far too hard - so the
  item statistics have something to flag.
The scoring itself is the platform's own.
"""

import math
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from assessments import scoring
from assessments.models import Answer, Attempt, Campaign, Item
from assessments.selectors.frameworks import DEFAULT_FRAMEWORK, shipped_files
from assessments.services.attempts import apply_result
from assessments.services.frameworks import framework_install
from tenancy.context import org_context
from tenancy.models import Membership, Organization
from tenancy.seeding import DemoSeed

PAST = [("AI fluency baseline (Q1)", 250, 0.0), ("AI fluency follow-up (Q3)", 120, 0.55)]
OPEN = "AI fluency check-in (Q4)"


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Weak items, by position in the bank's order of scored items: every WEAK_EVERY-th item
# is answered regardless of ability (low discrimination), and one is far too hard.
WEAK_EVERY = 9
TOO_HARD_OFFSET = 2.8


def _item_parameters(items: list[Item], rng: random.Random) -> dict[int, tuple[float, float]]:
    """(discrimination, difficulty) per item: most items discriminate, a few do not."""
    params = {}
    scored = [i for i in items if i.type != Item.Type.ATTITUDE]
    for n, item in enumerate(scored):
        discrimination, difficulty = rng.uniform(0.7, 1.5), rng.gauss(0, 0.6)
        if n % WEAK_EVERY == WEAK_EVERY - 1:
            discrimination = 0.05  # a confusing item: answers barely follow ability
        if n == len(scored) // 2:
            difficulty = TOO_HARD_OFFSET
        params[item.pk] = (discrimination, difficulty)
    for item in items:
        params.setdefault(item.pk, (1.0, 0.0))
    return params


def _abilities(members, competencies, rng: random.Random) -> dict[int, dict[str, float]]:
    """Ability per person and competency: general + department + track + specific."""
    departments = sorted({m.department_id for m in members if m.department_id})
    # Spread evenly from -0.8 to +0.8 logits, in a seeded order: a clear difference
    # between the best and worst departments, without one outlier making it.
    steps = max(len(departments) - 1, 1)
    spread = [-0.8 + 1.6 * i / steps for i in range(len(departments))]
    rng.shuffle(spread)
    department_effect = dict(zip(departments, spread, strict=True))
    tracks = sorted({m.job_track for m in members})
    keys = [c.key for c in competencies]
    track_effect = {t: {k: rng.gauss(0, 0.4) for k in keys} for t in tracks}
    out = {}
    for m in members:
        general = rng.gauss(-0.3, 0.7) + department_effect.get(m.department_id, 0.0)
        out[m.pk] = {k: general + track_effect[m.job_track][k] + rng.gauss(0, 0.45) for k in keys}
    return out


def _simulate(item: Item, options: list, theta: float, rng: random.Random, params=(1.0, 0.0)):
    """(option, selected keys, text, score) for one simulated answer; `theta` is the
    person's ability in the item's competency, `params` the item's (discrimination,
    difficulty)."""
    discrimination, difficulty = params
    ability = discrimination * (theta - difficulty)
    if item.type in Item.FREE_TEXT:
        points = max(0, min(3, round(1.5 + 1.2 * ability + rng.gauss(0, 0.7))))
        return None, [], "(demo answer)", scoring.rubric_score(points)
    if item.type == Item.Type.MULTI_SELECT:
        chosen = [
            o.key
            for o in options
            if rng.random() < (_sigmoid(ability + 0.8) if o.correct else _sigmoid(-ability - 1.2))
        ]
        correct = {o.key for o in options if o.correct}
        return (
            None,
            chosen,
            "",
            scoring.multi_select_score(chosen, correct, {o.key for o in options}),
        )
    no_tool = next((o for o in options if o.not_applicable), None)
    if no_tool is not None and rng.random() < 0.04:  # a few people lack a tool for this
        return no_tool, [], "", scoring.frequency_score(0, not_applicable=True)
    options = [o for o in options if not o.not_applicable]
    top = max(o.score for o in options)
    weights = [math.exp(1.6 * ability * (o.score / top) + rng.gauss(0, 0.3)) for o in options]
    option = rng.choices(options, weights=weights)[0]
    if item.type == Item.Type.SCENARIO:
        return option, [], "", scoring.scenario_score(option.score, [o.score for o in options])
    return option, [], "", scoring.scale_score(option.score)


def seed_demo_assessments(demo: DemoSeed) -> None:
    """The assessments module's part of `seed_demo` (registered in AssessmentsConfig.ready):
    every shipped framework in each demo organisation, and Acme's campaigns."""
    for organization in demo.organizations.values():
        with org_context(organization):
            for slug in shipped_files():
                framework_install(organization=organization, slug=slug)
    acme = demo.organizations["acme"]
    with org_context(acme):
        seed_assessments(acme)


def seed_assessments(organization: Organization, *, rng_seed: int = 7) -> dict[str, int]:
    """Idempotent: campaigns that exist are left as they are."""
    if Campaign.objects.exists() or DEFAULT_FRAMEWORK not in shipped_files():
        return {"campaigns": 0, "attempts": 0}
    rng = random.Random(rng_seed)
    version = framework_install(organization=organization)
    items = list(
        Item.objects.filter(version=version, retired=False)
        .select_related("competency")
        .prefetch_related("options")
    )
    options = {item.pk: list(item.options.all()) for item in items}
    competencies = list(version.competencies.order_by("position"))
    members = list(Membership.objects.filter(is_active=True).select_related("user"))
    abilities = _abilities(members, competencies, rng)
    params = _item_parameters(items, rng)
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for position, (name, days_ago, gain) in enumerate(PAST):
            opens = now - timedelta(days=days_ago)
            campaign = Campaign.objects.create(
                organization=organization,
                name=name,
                version=version,
                opens_at=opens,
                closes_at=opens + timedelta(days=21),
            )
            # The demo logins always take part, so their pages have a history to show.
            participants = [
                m
                for m in members
                if not m.user.email.startswith("person")
                or rng.random() < (0.9 if position else 0.95)
            ]
            for membership in participants:
                ability = {
                    k: v + gain + rng.gauss(0, 0.25) for k, v in abilities[membership.pk].items()
                }
                created += _simulated_attempt(
                    campaign,
                    membership,
                    items,
                    options,
                    competencies,
                    version,
                    ability,
                    rng,
                    opens,
                    params,
                )
        Campaign.objects.create(
            organization=organization,
            name=OPEN,
            version=version,
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=19),
        )
    return {"campaigns": len(PAST) + 1, "attempts": created}


def _simulated_attempt(
    campaign, membership, items, options, competencies, version, ability, rng, opens, params
):
    track = membership.job_track
    mine = [i for i in items if i.track in ("", track)]
    submitted = opens + timedelta(days=rng.uniform(0, 20))
    attempt = Attempt.objects.create(
        organization_id=campaign.organization_id,
        campaign=campaign,
        membership=membership,
        version=version,
        status=Attempt.Status.SCORED,
        submitted_at=submitted,
        department_id=membership.department_id,
    )
    answers, triples = [], []
    for item in mine:
        option, chosen, text, score = _simulate(
            item, options[item.pk], ability[item.competency.key], rng, params[item.pk]
        )
        answers.append(
            Answer(
                organization_id=campaign.organization_id,
                attempt=attempt,
                item=item,
                option=option,
                selected=chosen,
                text=text,
                score=score,
                source=Answer.Source.MODEL if text else Answer.Source.AUTO,
            )
        )
        triples.append((item.competency.key, item.type, score))
    Answer.objects.bulk_create(answers)
    result = scoring.score_attempt(triples, version.levels, [c.key for c in competencies])
    apply_result(attempt, result, competencies)
    return 1
