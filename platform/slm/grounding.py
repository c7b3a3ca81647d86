"""Grounded drafting: every figure and name in a drafted text must come from the facts.

A 135M-parameter model invents numbers freely, so a draft is checked against the facts the
platform computed. On failure it is regenerated once with a stricter prompt, then replaced
by a plain sentence built from the facts. The outcome is recorded.
"""

import re
from dataclasses import dataclass

NUMBER = re.compile(r"(?<![\w.])[-+]?\$?\d[\d,]*(?:\.\d+)?%?")
# Capitalised words that are not at the start of a sentence: candidate names.
NAME = re.compile(r"(?<=[a-z0-9,;:] )([A-Z][a-zA-Z&-]+(?: [A-Z][a-zA-Z&-]+)*)")
COMMON_CAPITALISED = {"AI", "I", "Q1", "Q2", "Q3", "Q4", "SLM", "LLM", "ROI", "CEO", "HR", "IT"}


def _normalise_number(token: str) -> str | None:
    cleaned = token.replace(",", "").replace("$", "").rstrip("%").lstrip("+")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _fact_strings(facts: dict) -> list[str]:
    out: list[str] = []
    for key, value in facts.items():
        out.append(str(key).replace("_", " "))
        if isinstance(value, dict):
            out.extend(_fact_strings(value))
        elif isinstance(value, list | tuple):
            out.extend(str(v) for v in value)
        else:
            out.append(str(value))
    return out


def allowed_numbers(facts: dict) -> set[str]:
    numbers = set()
    for text in _fact_strings(facts):
        for token in NUMBER.findall(text):
            normalised = _normalise_number(token)
            if normalised is not None:
                numbers.add(normalised)
                if "." in normalised:  # a fact 41.67 may be written 41.7 or 42
                    value = float(normalised)
                    numbers.update({f"{value:.1f}".rstrip("0").rstrip("."), str(round(value))})
    return numbers


@dataclass
class Check:
    ok: bool
    unknown_numbers: list[str]
    unknown_names: list[str]


def check_draft(text: str, facts: dict) -> Check:
    """Every number, percentage and capitalised name in `text` must appear in `facts`."""
    numbers = allowed_numbers(facts)
    unknown_numbers = [
        token
        for token in NUMBER.findall(text)
        if (n := _normalise_number(token)) is not None and n not in numbers
    ]
    fact_text = " ".join(_fact_strings(facts)).lower()
    unknown_names = [
        name
        for name in NAME.findall(text)
        if name not in COMMON_CAPITALISED and name.lower() not in fact_text
    ]
    return Check(not unknown_numbers and not unknown_names, unknown_numbers, unknown_names)


def facts_block(facts: dict) -> str:
    return "\n".join(f"- {str(k).replace('_', ' ')}: {v}" for k, v in facts.items())


def prompt(facts: dict, instructions: str, *, strict: bool) -> list[dict]:
    rules = (
        "Use only the facts below. Copy every number exactly as written in the facts. "
        "Do not add any number, percentage, date or name that is not in the facts."
    )
    if strict:
        rules += (
            " Your previous draft added figures that are not in the facts. Write at most two "
            "short sentences and quote numbers only from the list."
        )
    return [
        {"role": "system", "content": "You write short, factual business report sections."},
        {"role": "user", "content": f"{instructions}\n\n{rules}\n\nFacts:\n{facts_block(facts)}"},
    ]


def templated(facts: dict, title: str = "") -> str:
    """The fallback: a plain sentence that states the facts as they are."""
    parts = [f"{str(k).replace('_', ' ')} was {v}" for k, v in facts.items()]
    lead = f"{title}: " if title else ""
    return lead + "; ".join(parts) + "."
