"""Written tasks scored honestly: rules first, the model worker as a second opinion.

- Prompt rewrite (`prompt_rewrite.py`): each rubric criterion (audience, format,
  constraints, definition of done, ...) is checked on its own, by pattern and by the model's
  similarity, each with its own confidence. An answer that copies the weak prompt, is a bare
  list of words or only says the prompt is fine scores 0 by rule.
- Error spotting (`error_spotting.py`): the taker marks the sentences they think are wrong
  and says what is wrong with each. Marks are scored by rule against the planted errors
  (false marks cost); each explanation is checked by pattern and by the model.

Both return a `Scored`: the points, the answer's confidence - the lowest confidence among
the decisions that could change the points - and per criterion or planted error what was
decided, by which path and why, for the review queue. Pure functions: `embed` (texts ->
unit vectors) is passed in, None when no model is available (rules alone decide).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_POINTS = 3
# The answer's confidence when no uncertain decision could change its points.
SURE = 0.95

Embed = Callable[[list[str]], np.ndarray] | None


@dataclass
class Scored:
    points: int
    confidence: float
    # "guard" (rule-based zero), "rules" (rules and model agree, or rules alone), "model"
    # (the model's opinion changed a decision)
    path: str
    reason: str
    criteria: list[dict] = field(default_factory=list)
    max_points: int = MAX_POINTS

    def details(self) -> dict:
        return {
            "points": self.points,
            "max_points": self.max_points,
            "path": self.path,
            "reason": self.reason,
            "criteria": self.criteria,
        }


def zero_by_rule(criteria: list[str], why: str) -> Scored:
    """0 points, sure, for an answer a guard refused (a copy of the question, a list of
    words, a denial): every criterion unmet for the same reason."""
    return Scored(
        points=0,
        confidence=SURE,
        path="guard",
        reason=f"0 by rule: {why}",
        criteria=[
            {"criterion": c, "met": False, "confidence": SURE, "path": "guard", "reason": why}
            for c in criteria
        ],
    )


def points_confidence(decisions: list[dict], points_of: Callable[[list[bool]], int]) -> float:
    """The lowest confidence among the decisions whose flip would change the points."""
    met = [d["met"] for d in decisions]
    points = points_of(met)
    relevant = []
    for index, decision in enumerate(decisions):
        flipped = list(met)
        flipped[index] = not flipped[index]
        if points_of(flipped) != points:
            relevant.append(decision["confidence"])
    return round(min(relevant, default=SURE), 3)


def score_answer(
    item_type: str, task: dict, *, text: str, marks: dict, embed: Embed, prompt: str = ""
) -> Scored:
    """`prompt`: the question the taker saw (an answer that copies it scores 0)."""
    from assessments.free_text import error_spotting, prompt_rewrite

    if item_type == "error_spotting":
        return error_spotting.score(task, text=text, marks=marks, embed=embed, prompt=prompt)
    return prompt_rewrite.score(task, text=text, embed=embed, prompt=prompt)
