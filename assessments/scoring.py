"""Scoring rules, as pure functions over plain data, so they can be checked by hand.

Item scores are normalised to 0..1:
- scenario: the chosen option's score / 3 (graded situational judgement, not right/wrong),
  corrected for chance: with c the item's expected score when answering at random (the
  mean of its options' scores / 3), the item scores (s - c) / (1 - c), at least 0. Graded
  options used to give about 42% at random, which with "always" on every frequency item
  reached Capable; corrected, random choice earns a little (only what clipping at 0 leaves),
  the best option still 1;
- multi-select: share of the correct options ticked minus share of the incorrect options
  ticked, at least 0: hits / correct - wrong ticks / incorrect. Every wrong tick costs
  points, so ticking every box earns 0 (both shares are 1) whatever the item's mix, and a
  taker who ticks nothing earns 0 too. Shipped items have at most half their options correct;
- frequency: per-occasion anchors never 0, sometimes 1, usually 3, always 4, divided by 4
  (sometimes is under half the occasions, usually over half). "I don't have an AI tool for
  this" is left out of the score: its answer has no score (None) and is skipped, so lack of
  access is never read as a low score, nor as resistance;
- free text (prompt rewrite, error spotting): rubric points / 3, from the model worker or a
  reviewer;
- attitude items are never scored into a competency: saying "AI is not useful for this"
  carries no penalty. They feed only the segment.

An item answered "not applicable" (score None) counts nowhere. A competency's score is
100 x the mean of its scored items; a competency with no scored item for this person (no
item for their track, or every answer "no AI tool") has no score and is left out of the
overall level, rather than scored 0 and capping it. Its level is the highest level
whose `min_score` it reaches (the framework's documented thresholds).

Overall level: the level of the mean competency score, capped at one level above the
weakest competency's level - so one very weak competency cannot hide behind strong ones.

Segment, from behaviour (frequency items) and attitude (attitude items), each 0..1:
early adopter when both are at least 0.6; resister when either is below 0.3; otherwise
pragmatist. Attitude items may be reverse-worded ("AI mostly creates extra work for me");
their options carry reversed scores in the framework file, so agreeing with everything is
not the most positive attitude. Someone who answers every frequency item "I don't have an
AI tool" has no behaviour half, which counts as neutral: no access is not resistance.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

EARLY_ADOPTER, PRAGMATIST, RESISTER = "early_adopter", "pragmatist", "resister"


def scenario_score(option_score: int, option_scores: Sequence[int] | None = None) -> float:
    """The option's score / 3; with the item's `option_scores`, corrected for chance (see
    the module's docstring)."""
    if not 0 <= option_score <= 3:
        raise ValueError(f"scenario option scores are 0-3, got {option_score}")
    raw = option_score / 3
    if not option_scores:
        return raw
    chance = fmean(option_scores) / 3
    if chance >= 1:
        return raw
    return max(0.0, (raw - chance) / (1 - chance))


def multi_select_score(chosen: Iterable[str], correct: set[str], options: set[str]) -> float:
    chosen = set(chosen)
    unknown = chosen - options
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}")
    if not correct:
        raise ValueError("a multi-select item needs at least one correct option")
    incorrect = options - correct
    hits = len(chosen & correct) / len(correct)
    misses = len(chosen - correct) / len(incorrect) if incorrect else 0.0
    return max(0.0, hits - misses)


def scale_score(value: int) -> float:
    if not 0 <= value <= 4:
        raise ValueError(f"scale answers are 0-4, got {value}")
    return value / 4


def frequency_score(value: int, *, not_applicable: bool = False) -> float | None:
    """A frequency answer's score; None for "I don't have an AI tool for this", which is
    left out of every score rather than counted as never."""
    return None if not_applicable else scale_score(value)


def rubric_score(points: int) -> float:
    return min(max(points, 0), 3) / 3


def level_for(score: float, levels: Sequence[dict]) -> str:
    """The highest level whose min_score the score reaches; `levels` lowest first."""
    reached = levels[0]["key"]
    for level in levels:
        if score >= level["min_score"]:
            reached = level["key"]
    return reached


def bar_level(
    levels: Sequence[dict], headline: str, org_bar: str, org_levels: Sequence[str]
) -> str:
    """The level a framework's results are compared with. A framework may name its own
    (headline "share_at_or_above:<key>"); otherwise the organisation's bar, and where the
    framework's levels have other keys (FT-style: not_yet, ai_literate, ...) the level of
    the same rank: the organisation's second level is the framework's second level."""
    keys = [level["key"] for level in levels]
    if headline.startswith("share_at_or_above:") and headline.split(":", 1)[1] in keys:
        return headline.split(":", 1)[1]
    if org_bar in keys:
        return org_bar
    rank = list(org_levels).index(org_bar) if org_bar in org_levels else 1
    return keys[min(rank, len(keys) - 1)]


def at_or_above(level: str, bar: str, levels: Sequence[dict]) -> bool:
    keys = [item["key"] for item in levels]
    return level in keys and keys.index(level) >= keys.index(bar)


@dataclass(frozen=True)
class Result:
    competency_scores: dict[str, float]
    competency_levels: dict[str, str]
    overall_score: float
    overall_level: str
    weakest: str
    segment: str


def overall_level(competency_scores: dict[str, float], levels: Sequence[dict]) -> tuple[float, str]:
    keys = [level["key"] for level in levels]
    mean = fmean(competency_scores.values())
    by_mean = keys.index(level_for(mean, levels))
    weakest = keys.index(level_for(min(competency_scores.values()), levels))
    return mean, keys[min(by_mean, weakest + 1)]


def segment(behaviour: float | None, attitude: float | None) -> str:
    """Early adopter / pragmatist / resister; a missing half counts as neutral (0.5)."""
    b = 0.5 if behaviour is None else behaviour
    a = 0.5 if attitude is None else attitude
    if b < 0.3 or a < 0.3:
        return RESISTER
    if b >= 0.6 and a >= 0.6:
        return EARLY_ADOPTER
    return PRAGMATIST


def score_attempt(
    item_scores: Iterable[tuple[str, str, float | None]],
    levels: Sequence[dict],
    competencies: Sequence[str],
) -> Result:
    """`item_scores`: (competency key, item type, score 0..1) for every answered item; a
    score of None ("I don't have an AI tool for this") is left out."""
    per: dict[str, list[float]] = {key: [] for key in competencies}
    behaviour, attitude = [], []
    for competency, item_type, score in item_scores:
        if score is None:
            continue
        if item_type == "attitude":
            attitude.append(score)
            continue
        if item_type == "frequency":
            behaviour.append(score)
        per[competency].append(score)
    scores = {key: 100 * fmean(values) for key, values in per.items() if values}
    if scores:
        mean, overall = overall_level(scores, levels)
    else:  # nothing scored at all: the lowest level, not an error
        mean, overall = 0.0, levels[0]["key"]
    scored = [key for key in competencies if key in scores] or list(competencies)
    return Result(
        competency_scores=scores,
        competency_levels={key: level_for(value, levels) for key, value in scores.items()},
        overall_score=mean,
        overall_level=overall,
        weakest=min(scored, key=lambda key: (scores.get(key, 0.0), competencies.index(key))),
        segment=segment(
            fmean(behaviour) if behaviour else None, fmean(attitude) if attitude else None
        ),
    )
