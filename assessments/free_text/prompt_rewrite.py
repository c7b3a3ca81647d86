"""A rewritten prompt, criterion by criterion."""

import numpy as np

from assessments.free_text import (
    MAX_POINTS,
    Embed,
    Scored,
    points_confidence,
    rules,
    zero_by_rule,
)
from assessments.free_text.criteria import criterion_kind, rule_evidence

# A sentence at least this similar to the criterion counts as the model saying "met";
# STRONG is where the model alone may decide a criterion the rules did not find.
MODEL_MATCH = 0.45
MODEL_STRONG = 0.62
COPIED = 0.8  # share of the answer's content words taken from the weak prompt


def _points(met: list[bool]) -> int:
    return min(sum(met), MAX_POINTS)


def guard(task: dict, text: str, prompt: str = "") -> str:
    """Why the answer scores 0 by rule, or ""."""
    weak = task.get("weak_prompt", "")
    rubric = task.get("rubric") or []
    if not text.strip():
        return "empty answer"
    if rules.is_denial(text):
        return "only says the prompt is fine (negation)"
    if (
        rules.copied_share(text, [weak, prompt]) >= COPIED
        or rules.new_content_words(text, [weak, prompt]) < 3
    ):
        return "copies the weak prompt or the question"
    vocabulary = set(rules.PROMPTING_JARGON)
    for source in [*rubric, prompt]:
        vocabulary.update(rules.content_words(source))
    if rules.is_keyword_list(text, vocabulary):
        return "a list of words with no instruction in sentences"
    return ""


def _model_similarity(criteria: list[str], text: str, embed: Embed) -> list[float | None]:
    if embed is None:
        return [None] * len(criteria)
    sentences = rules.answer_sentences(text) or [text]
    vectors = embed(criteria + sentences)
    similarity = vectors[: len(criteria)] @ vectors[len(criteria) :].T
    return [float(v) for v in np.max(similarity, axis=1)]


def score(task: dict, *, text: str, embed: Embed, prompt: str = "") -> Scored:
    rubric = list(task.get("rubric") or [])
    why_zero = guard(task, text, prompt)
    if why_zero:
        return zero_by_rule(rubric, why_zero)
    similarities = _model_similarity(rubric, text, embed)
    decisions = []
    for criterion, similarity in zip(rubric, similarities, strict=True):
        kind = criterion_kind(criterion)
        evidence = rule_evidence(kind, text)
        model_met = similarity is not None and similarity >= MODEL_MATCH
        if evidence:
            met, path = True, "rules"
            confidence = 0.95 if (similarity is None or model_met) else 0.85
            reason = f"{kind}: the answer says '{evidence}'"
        elif similarity is not None and similarity >= MODEL_STRONG:
            met, path, confidence = True, "model", 0.65
            reason = (
                f"{kind}: no wording found by rule, but the model finds it "
                f"(similarity {similarity:.2f})"
            )
        elif model_met:
            # The rules found nothing and the model only half agrees: a person decides if
            # this criterion matters to the points.
            met, path, confidence = False, "model", 0.45
            reason = f"{kind}: not found by rule; the model is unsure (similarity {similarity:.2f})"
        else:
            met, path = False, "rules"
            confidence = 0.9 if similarity is not None else 0.8
            reason = f"{kind}: not found" + (
                f" (model similarity {similarity:.2f})" if similarity is not None else ""
            )
        decisions.append(
            {
                "criterion": criterion,
                "kind": kind,
                "met": met,
                "confidence": confidence,
                "path": path,
                "reason": reason,
                "similarity": None if similarity is None else round(similarity, 3),
            }
        )
    points = _points([d["met"] for d in decisions])
    confidence = points_confidence(decisions, _points)
    decided_by_model = any(d["path"] == "model" and d["met"] for d in decisions)
    met_kinds = [d["kind"] for d in decisions if d["met"]]
    return Scored(
        points=points,
        confidence=confidence,
        path="model" if decided_by_model else "rules",
        reason=f"{len(met_kinds)} of {len(rubric)} criteria met"
        + (f" ({', '.join(met_kinds)})" if met_kinds else ""),
        criteria=decisions,
    )
