"""Priority score and matrix position from 1-5 scores and the organisation's weights.

- A criterion marked inverse (risk) counts as 6 - score: low risk is good.
- Priority = sum(weight x score) / sum(weights of the criteria scored), on the 1-5 scale;
  a use case scored on no weighted criterion has no priority and ranks last.
- Impact and feasibility are the same weighted mean over the criteria of that axis; when
  every criterion of an axis weighs 0, its scored criteria count equally.
- Quadrants split at 3 (the middle of 1-5): quick wins (high impact, high feasibility),
  strategic bets (high impact, low feasibility), fill-ins (low impact, high feasibility),
  deprioritise (both low).

static/js/roi.js repeats these rules so the page re-ranks while weights are moved; the
tests check the two agree on the demo's numbers via the data the page embeds.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIDDLE = 3.0


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    name: str
    weight: float
    axis: str
    inverse: bool


def effective(spec: CriterionSpec, score: int) -> float:
    return 6 - score if spec.inverse else score


def _weighted(specs: Sequence[CriterionSpec], scores: Mapping[str, int], equal_if_zero: bool):
    pairs = [(s, scores[s.key]) for s in specs if s.key in scores]
    weighted = [(s.weight, effective(s, v)) for s, v in pairs if s.weight > 0]
    if not weighted and equal_if_zero:
        weighted = [(1.0, effective(s, v)) for s, v in pairs]
    total = sum(w for w, _ in weighted)
    return sum(w * v for w, v in weighted) / total if total else None


def priority(specs: Sequence[CriterionSpec], scores: Mapping[str, int]) -> float | None:
    return _weighted(specs, scores, equal_if_zero=False)


def axis_score(specs: Sequence[CriterionSpec], scores: Mapping[str, int], axis: str):
    return _weighted([s for s in specs if s.axis == axis], scores, equal_if_zero=True)


def quadrant(impact: float | None, feasibility: float | None) -> str:
    if impact is None or feasibility is None:
        return "not scored"
    if impact >= MIDDLE:
        return "quick wins" if feasibility >= MIDDLE else "strategic bets"
    return "fill-ins" if feasibility >= MIDDLE else "deprioritise"


def rank(specs: Sequence[CriterionSpec], items: Sequence[dict]) -> list[dict]:
    """items: {"id", "title", "scores": {key: 1-5}, ...}; returns them ranked, with figures."""
    ranked = []
    for item in items:
        impact = axis_score(specs, item["scores"], "impact")
        feasibility = axis_score(specs, item["scores"], "feasibility")
        ranked.append(
            {
                **item,
                "priority": priority(specs, item["scores"]),
                "impact": impact,
                "feasibility": feasibility,
                "quadrant": quadrant(impact, feasibility),
                "breakdown": [
                    {
                        "name": s.name,
                        "score": item["scores"].get(s.key),
                        "weight": s.weight,
                        "points": s.weight * effective(s, item["scores"][s.key]) / 100
                        if s.key in item["scores"]
                        else None,
                    }
                    for s in specs
                ],
            }
        )
    ranked.sort(key=lambda r: (r["priority"] is None, -(r["priority"] or 0), r["title"]))
    return ranked
