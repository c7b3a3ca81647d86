"""Error spotting: marked sentences scored by rule, explanations by rule and model.

Each planted error names the passage sentences it lies in (`error_sentences`, 1-based, one
list per planted error; a contradiction lies in two). Per planted error: half a point for
marking one of its sentences, half a point more when the explanation given there says what
is wrong. Each marked sentence with no planted error costs half a point. A mark whose
explanation says the sentence is fine ("this figure is correct") is no mark. At most 3.
"""

import math
import re

from assessments.free_text import (
    MAX_POINTS,
    SURE,
    Embed,
    Scored,
    points_confidence,
    rules,
    zero_by_rule,
)

MODEL_MATCH = 0.5
MODEL_STRONG = 0.65
FALSE_MARK = 0.5

# What an explanation of each kind of planted error says, by pattern.
_KIND_OF_ERROR = [
    ("contradiction", r"contradict|inconsisten"),
    ("invented", r"invent|source|citation|law|cannot be traced|does not exist|made up"),
    ("arithmetic", r"percentage|figure|rate|%|miscalcul|add up|wrong: \d|growth"),
    ("overstated", r"false|overstat|exaggerat|claim|only factor"),
]
_EXPLAINS = {
    "arithmetic": (
        r"\b(miscalculat\w*|not \d|isn'?t \d|should be \d|add up|doesn'?t add|does not add|"
        r"maths?|arithmetic|calculation|off by|(percentage|rate|figure|number|sum|total|"
        r"calculation|response rate) (is |was |looks )?(wrong|incorrect|off|too high|too low)|"
        r"(wrong|incorrect) (percentage|rate|figure|number|sum|total|calculation))\b|"
        r"\d+(\.\d+)?\s*%\s*(not|,? not|rather than|instead)|\bis (only |really |actually )?"
        r"\d+(\.\d+)?\s*%"
    ),
    "invented": (
        r"\b(invented|fabricated|made[- ]up|made it up|fake|fictional|fictitious|hallucinat\w*|"
        r"doesn'?t exist|does not exist|no such|not (a )?real|can'?t (be )?(find|found|trace|"
        r"traced|verif\w*)|cannot (be )?(find|found|trace|traced|verif\w*)|unverifi\w*|"
        r"untrace\w*|no evidence (it|this|that) exists|unknown source|never heard|not exist)\b"
    ),
    "overstated": (
        r"\b(overstat\w*|exaggerat\w*|overclaim\w*|too (strong|absolute|broad|sweeping)|sweeping|"
        r"not the only|other factors|many factors|absolute|over-?generali[sz]\w*|unsupported|"
        r"(claim|statement) is (false|untrue|not true)|(is|are) false|not true|untrue|many other|"
        r"can (still )?(be|get) (infected|hacked|attacked|malware|viruses)|"
        r"no (os|operating system|system) is|nothing is (immune|100)|"
        r"immune|still need\w*|risky|dangerous|bad idea|myth|never (the )?only|price|cost|"
        r"quality|any (system|os|operating system) can)\b"
    ),
    "contradiction": (
        r"\b(contradict\w*|inconsistent|inconsistency|conflict\w*|doesn'?t match|does not match|"
        r"at odds|can'?t both|cannot both|both be true|yet|but (it|they|then|also|complaints|"
        r"later|the)|while|whereas|if complaints|then says|earlier|later (it|says)|opposite|"
        r"doesn'?t make sense|does not make sense|mismatch|vs|versus)\b"
    ),
}
_COMPILED = {kind: re.compile(p, re.IGNORECASE) for kind, p in _EXPLAINS.items()}


def error_kind(planted: str) -> str:
    lowered = planted.lower()
    for kind, pattern in _KIND_OF_ERROR:
        if re.search(pattern, lowered):
            return kind
    return "overstated"


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")))


def rule_explains(planted: str, passage: str, explanation: str) -> str:
    """The words of the explanation that say what is wrong, or ""."""
    if not explanation.strip() or rules.is_denial(explanation):
        return ""
    # The corrected number (in the planted error, not in the passage) is proof enough.
    corrected = _numbers(planted) - _numbers(passage)
    mentioned = _numbers(explanation) & corrected
    if mentioned:
        return sorted(mentioned)[0]
    found = _COMPILED[error_kind(planted)].search(explanation)
    return found.group(0) if found else ""


def _points(raw: float) -> int:
    return max(0, min(MAX_POINTS, math.floor(raw + 1e-9)))


def guard(task: dict, text: str, marks: dict, prompt: str = "") -> str:
    passage = task.get("passage", "")
    explanations = " ".join(str(v) for v in marks.values()) if marks else text
    if not marks and not text.strip():
        return "empty answer"
    if explanations.strip():
        if rules.is_denial(explanations):
            return "says the passage is correct (negation)"
        if (
            len(rules.words(explanations)) >= 6
            and rules.copied_share(explanations, [passage, prompt]) >= 0.9
            and rules.new_content_words(explanations, [passage, prompt]) < 3
        ):
            return "copies the passage"
        if not marks and rules.is_keyword_list(explanations, set(rules.PROMPTING_JARGON)):
            return "a list of words with no finding in sentences"
    return ""


def _similarity(pairs: list[tuple[str, str]], embed: Embed) -> list[float | None]:
    if embed is None or not pairs:
        return [None] * len(pairs)
    vectors = embed([p for p, _ in pairs] + [e for _, e in pairs])
    n = len(pairs)
    return [float(vectors[i] @ vectors[n + i]) for i in range(n)]


def _quotes(explanation: str, sentence: str) -> bool:
    """The explanation only repeats its sentence ("a response rate of 42%")."""
    mine = rules.words(explanation)
    theirs = set(rules.words(sentence))
    return bool(sentence) and len(mine) >= 4 and all(w in theirs for w in mine)


def _explanation_decision(planted, passage, explanation, similarity, sentence="") -> dict:
    if _quotes(explanation, sentence):
        return {
            "met": False,
            "confidence": SURE,
            "path": "guard",
            "reason": "repeats the sentence, says nothing about what is wrong",
        }
    evidence = rule_explains(planted, passage, explanation)
    model_met = similarity is not None and similarity >= MODEL_MATCH
    if not explanation.strip():
        return {"met": False, "confidence": SURE, "path": "rules", "reason": "no explanation"}
    if rules.is_denial(explanation):
        return {
            "met": False,
            "confidence": SURE,
            "path": "guard",
            "reason": "the explanation says the sentence is fine",
        }
    if evidence and len(rules.words(explanation)) >= 4 and rules.function_share(explanation) < 0.12:
        # Right words, no sentence ("invented source overstated contradiction"): a person
        # decides whether that explains anything.
        return {
            "met": True,
            "confidence": 0.5,
            "path": "rules",
            "reason": f"a list of words ('{evidence}' among them), not an explanation",
        }
    if evidence:
        return {
            "met": True,
            "confidence": 0.95 if similarity is None or model_met else 0.85,
            "path": "rules",
            "reason": f"explains it: '{evidence}'",
        }
    if similarity is not None and similarity >= MODEL_STRONG:
        return {
            "met": True,
            "confidence": 0.65,
            "path": "model",
            "reason": f"no wording found by rule; the model finds it (similarity {similarity:.2f})",
        }
    if model_met:
        return {
            "met": False,
            "confidence": 0.45,
            "path": "model",
            "reason": f"not found by rule; the model is unsure (similarity {similarity:.2f})",
        }
    return {
        "met": False,
        "confidence": 0.9 if similarity is not None else 0.8,
        "path": "rules",
        "reason": "the explanation does not say what is wrong",
    }


def score(task: dict, *, text: str, marks: dict, embed: Embed, prompt: str = "") -> Scored:
    planted = list(task.get("planted_errors") or [])
    passage = task.get("passage", "")
    sentences = rules.passage_sentences(passage)
    where = [list(lines) for lines in (task.get("error_sentences") or [])]
    why_zero = guard(task, text, marks, prompt)
    if why_zero:
        return zero_by_rule(planted, why_zero)
    if not marks or len(where) != len(planted):
        return _score_unmarked(planted, passage, text, embed)
    # A mark whose explanation says the sentence is fine is no mark.
    marked = {
        int(n): str(why).strip()
        for n, why in marks.items()
        if str(n).isdigit() and not (str(why).strip() and rules.is_denial(str(why)))
    }
    pairs = [
        (n, index)
        for n, why in sorted(marked.items())
        for index, lines in enumerate(where)
        if n in lines and why
    ]
    similarities = dict(
        zip(pairs, _similarity([(planted[i], marked[n]) for n, i in pairs], embed), strict=True)
    )
    decisions = [
        {
            "criterion": error,
            "sentences": where[index],
            "marked": False,
            "met": False,
            "confidence": SURE,
            "path": "rules",
            "reason": "not marked",
        }
        for index, error in enumerate(planted)
    ]
    false_marks = []
    for n, why in sorted(marked.items()):
        candidates = [index for index, lines in enumerate(where) if n in lines]
        if not candidates:
            false_marks.append(n)
            continue
        explained = False
        for index in candidates:
            decision = decisions[index]
            if decision["met"]:
                continue
            verdict = _explanation_decision(
                planted[index],
                passage,
                why,
                similarities.get((n, index)),
                sentences[n - 1] if n <= len(sentences) else "",
            )
            if verdict["met"]:
                decision.update(verdict, marked=True, reason=f"sentence {n}: {verdict['reason']}")
                explained = True
            elif verdict["confidence"] < decision["confidence"]:
                # Kept so a reviewer sees the doubt; the mark itself is credited below.
                decision.update(
                    verdict, marked=decision["marked"], reason=f"sentence {n}: {verdict['reason']}"
                )
        if not explained:
            # A mark that explains none of its sentence's errors finds one of them.
            unfound = [index for index in candidates if not decisions[index]["marked"]]
            if unfound:
                decisions[unfound[0]]["marked"] = True
                if decisions[unfound[0]]["reason"] == "not marked":
                    decisions[unfound[0]]["reason"] = f"sentence {n} marked, not explained"

    def points_of(explained: list[bool]) -> int:
        found = sum(d["marked"] or met for d, met in zip(decisions, explained, strict=True))
        return _points(0.5 * found + 0.5 * sum(explained) - FALSE_MARK * len(false_marks))

    points = points_of([d["met"] for d in decisions])
    confidence = points_confidence(decisions, points_of)
    found = sum(d["marked"] for d in decisions)
    return Scored(
        points=points,
        confidence=confidence,
        path="model" if any(d["path"] == "model" and d["met"] for d in decisions) else "rules",
        reason=(
            f"{found} of {len(planted)} errors marked, "
            f"{sum(d['met'] for d in decisions)} explained, {len(false_marks)} false mark(s)"
            + (f" (sentences {', '.join(map(str, false_marks))})" if false_marks else "")
            + f" among {len(sentences)} sentences"
        ),
        criteria=decisions,
    )


def _score_unmarked(planted: list[str], passage: str, text: str, embed: Embed) -> Scored:
    """An answer written before sentences could be marked (or an item without
    `error_sentences`): each planted error explained somewhere in the text is a point."""
    lines = rules.answer_sentences(text) or [text]
    pairs = [(error, line) for error in planted for line in lines]
    similarities = _similarity(pairs, embed)
    decisions = []
    for index, error in enumerate(planted):
        best = {"met": False, "confidence": SURE, "path": "rules", "reason": "not found"}
        for offset, line in enumerate(lines):
            decision = _explanation_decision(
                error, passage, line, similarities[index * len(lines) + offset]
            )
            if decision["met"] or decision["confidence"] < best["confidence"]:
                best = decision
            if decision["met"]:
                break
        decisions.append({"criterion": error, **best})

    def points_of(met: list[bool]) -> int:
        return min(sum(met), MAX_POINTS)

    points = points_of([d["met"] for d in decisions])
    return Scored(
        points=points,
        confidence=points_confidence(decisions, points_of),
        path="model" if any(d["path"] == "model" and d["met"] for d in decisions) else "rules",
        reason=f"{sum(d['met'] for d in decisions)} of {len(planted)} errors explained",
        criteria=decisions,
    )
