"""The facts document: every figure a report may cite, each with its source.

Plain JSON-able data, computed from the registered sections (the modules' own selectors)
and stored with the report, so a report can be reproduced and every number traced. The
same sections feed the executive dashboard.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal

from reports import registry
from reports.types import Period, Section

REPORT_SECTIONS = ["fluency", "portfolio", "shadow_ai", "model_ops"]  # besides summary, recs
MISSING = {
    "shadow_ai": "Shadow AI and risk: the shadow-AI module has reported no figures yet.",
}


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dashboard_sections(org, period: Period, department_id: int | None = None) -> list[Section]:
    """Every registered section, in order, for the period (inside the org's context)."""
    return [
        registry.build(r, org=org, period=period, department_id=department_id)
        for r in registry.sections()
    ]


def facts_document(org, period: Period) -> dict:
    """The organisation-wide facts of a period, ready to store as JSON."""
    built = {s.key: s for s in dashboard_sections(org, period)}
    sections = []
    for key in [*REPORT_SECTIONS, *(k for k in built if k not in REPORT_SECTIONS)]:
        section = built.get(key)
        if section is None:
            section = Section(
                key,
                key.replace("_", " ").capitalize(),
                empty=True,
                empty_message=MISSING.get(key, "This module has reported no figures yet."),
            )
        sections.append(_plain(section.as_dict()))
    return {
        "organization": org.slug,
        "currency": org.currency,
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "previous_period": period.previous().label,
        "sections": sections,
    }


def digest(document: dict) -> str:
    """A fingerprint of the figures: a refreshed report whose digest changed has new facts."""
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def flat(document: dict) -> dict[str, dict]:
    """Every fact of the document by key."""
    return {f["key"]: f for s in document["sections"] for f in s["facts"]}


def section_of(document: dict, key: str) -> dict | None:
    return next((s for s in document["sections"] if s["key"] == key), None)
