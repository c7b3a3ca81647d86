"""Free-text practical tasks scored against their rubric by the model worker.

The answer is split into sentences; each rubric criterion (prompt rewrite) or planted error
(error spotting) counts as met when some sentence is semantically close to it. Points are
capped at 3. The confidence says how far each decision is from the threshold: answers the
model is unsure about go to the organisation's review queue, and a reviewer's decision sets
the score.
"""

import math
import re

import numpy as np

from slm import services

MATCH = 0.45  # cosine similarity at which a sentence counts as meeting a criterion
SHARPNESS = 12.0  # how quickly confidence rises with distance from the threshold


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+|;\s*|^\s*[-*\d.)]+\s+", text)
    return [p.strip() for p in parts if p and len(p.strip()) > 3]


def score_text(item, text: str, *, organization) -> tuple[int, float, dict]:
    """(points 0-3, confidence 0-1, details) for one free-text answer."""
    criteria = item.task.get("rubric") or item.task.get("planted_errors") or []
    sentences = split_sentences(text) or [text]
    vectors = services.embed(
        criteria + sentences, organization=organization, task="score_free_text"
    )
    similarity = vectors[: len(criteria)] @ vectors[len(criteria) :].T  # criteria x sentences
    best = similarity.max(axis=1) if len(criteria) else np.zeros(0)
    met = [bool(s >= MATCH) for s in best]
    points = min(sum(met), 3)
    # Each decision's certainty grows with its distance from the threshold; the answer is
    # only as certain as its least certain decision.
    certainty = [1 / (1 + math.exp(-SHARPNESS * abs(float(s) - MATCH))) for s in best]
    confidence = (2 * min(certainty) - 1) if certainty else 0.0
    details = {
        "criteria": [
            {"criterion": c, "similarity": round(float(s), 3), "met": m}
            for c, s, m in zip(criteria, best, met, strict=True)
        ]
    }
    return points, max(0.0, min(1.0, confidence)), details
