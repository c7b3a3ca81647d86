"""Writes about use cases: propose, edit, move along the lifecycle, score, import, delete."""

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from roi import lifecycle
from roi.models import Score, Stage, StageChange, UseCase
from roi.selectors.use_cases import graduation
from roi.services.settings import criteria_ensure

EDITABLE = [
    "title",
    "problem",
    "process",
    "expected_benefits",
    "department",
    "owner",
    "sponsor",
    "expected_users",
    "ai_type",
    "sourcing",
    "personal_data",
    "risk_class",
    "daily_requests",
    "latency",
    "sensitivity",
    "task_type",
    "breadth",
    "edge",
    "estimated_annual_value",
    "confidence",
]


def _snapshot(use_case: UseCase) -> dict[str, Any]:
    values = {f: getattr(use_case, f) for f in EDITABLE if f != "department"}
    values["department"] = use_case.department_id
    return {k: v if isinstance(v, bool | int | None) else str(v) for k, v in values.items()}


def _clean(use_case: UseCase) -> None:
    if use_case.department_id and use_case.department.organization_id != use_case.organization_id:
        raise ValidationError({"department": "Choose a department of this organisation."})
    use_case.full_clean(exclude=["organization", "proposed_by"])


@transaction.atomic
def use_case_propose(*, organization, actor, **fields) -> UseCase:
    """Any member proposes; the use case starts as proposed, with the first timeline entry."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    use_case = UseCase(organization=organization, proposed_by=actor, stage=Stage.PROPOSED, **fields)
    _clean(use_case)
    use_case.save()
    StageChange.objects.create(
        organization=organization,
        use_case=use_case,
        from_stage="",
        to_stage=Stage.PROPOSED,
        actor=actor,
        reason="Proposed.",
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="use_case.proposed",
        target=use_case,
        after=_snapshot(use_case),
    )
    return use_case


@transaction.atomic
def use_case_update(*, use_case: UseCase, actor, **fields) -> UseCase:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    before = _snapshot(use_case)
    for name, value in fields.items():
        setattr(use_case, name, value)
    _clean(use_case)
    use_case.save()
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="use_case.updated",
        target=use_case,
        before=before,
        after=_snapshot(use_case),
    )
    return use_case


@transaction.atomic
def use_case_delete(*, use_case: UseCase, actor) -> None:
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="use_case.deleted",
        target=use_case,
        before=_snapshot(use_case),
    )
    use_case.delete()


@transaction.atomic
def use_case_transition(
    *, use_case: UseCase, actor, role: str, to_stage: str, reason: str = "", override: bool = False
) -> StageChange:
    """Move a use case one step. Checked: the step exists (no skipping), the role may take it,
    a rejection has a reason, and production needs the graduation criteria met - or an
    admin's override with a written reason. Recorded on the timeline and in the audit log."""
    use_case = UseCase.objects.select_for_update().get(pk=use_case.pk)
    reason = reason.strip()
    current = use_case.stage
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": f"There is no stage called {to_stage!r}."})
    if to_stage not in lifecycle.allowed_targets(current):
        allowed = ", ".join(Stage(t).label for t in lifecycle.allowed_targets(current)) or "none"
        raise ValidationError(
            {
                "to_stage": f"A {Stage(current).label.lower()} use case cannot move to "
                f"{Stage(to_stage).label.lower()}; the possible next stages are: {allowed}."
            }
        )
    if role not in lifecycle.ROLES[to_stage]:
        raise ValidationError(
            {"to_stage": f"Your role cannot move a use case to {Stage(to_stage).label.lower()}."},
            code="permission",
        )
    if to_stage == Stage.REJECTED and not reason:
        raise ValidationError({"reason": "Say why the use case is rejected."})
    if to_stage == Stage.PRODUCTION:
        status = graduation(use_case)
        if not status.met:
            if not override:
                raise ValidationError(
                    {
                        "to_stage": "The pilot does not meet its graduation criteria yet"
                        + ("" if status.defined else " (none are set)")
                        + "; an admin can override with a written reason."
                    }
                )
            if role != "admin":
                raise ValidationError(
                    {"override": "Only an admin can override."}, code="permission"
                )
            if not reason:
                raise ValidationError({"reason": "An override needs a written reason."})
        else:
            override = False
    else:
        override = False
    use_case.stage = to_stage
    use_case.save(update_fields=["stage", "updated_at"])
    change = StageChange.objects.create(
        organization=use_case.organization,
        use_case=use_case,
        from_stage=current,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
        override=override,
    )
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="use_case.stage_changed",
        target=use_case,
        before={"stage": current},
        after={"stage": to_stage, "reason": reason, "override": override},
    )
    return change


@transaction.atomic
def scores_set(*, use_case: UseCase, actor, scores: dict[str, int]) -> None:
    """Scores 1-5 per criterion key; a missing key leaves that score as it was."""
    criteria = {c.key: c for c in criteria_ensure(organization=use_case.organization)}
    errors = {}
    for key, value in scores.items():
        if key not in criteria:
            errors[key] = f"There is no criterion {key!r}."
        elif not isinstance(value, int) or not 1 <= value <= 5:
            errors[key] = f"Score {criteria[key].name} from 1 to 5."
    if errors:
        raise ValidationError(errors)
    before = {s.criterion.key: s.value for s in use_case.scores.select_related("criterion")}
    for key, value in scores.items():
        Score.objects.update_or_create(
            organization=use_case.organization,
            use_case=use_case,
            criterion=criteria[key],
            defaults={"value": value},
        )
    audit_record(
        organization=use_case.organization,
        actor=actor,
        action="use_case.scored",
        target=use_case,
        before=before,
        after=dict(scores),
    )


CSV_REQUIRED = ["title", "problem"]
CSV_OPTIONAL = [f for f in EDITABLE if f not in CSV_REQUIRED and f != "department"]
BOOLEAN = {"personal_data", "edge"}


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "true", "1", "y"}:
        return True
    if value in {"", "no", "false", "0", "n"}:
        return False
    raise ValueError(f"{text!r} is not yes or no")


@transaction.atomic
def use_cases_import_csv(*, organization, actor, text: str, departments: dict[str, Any]) -> int:
    """Import use cases from CSV with the form's validation. Every row is checked first;
    one bad row saves nothing, and every error names its line."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise ValidationError(f"The CSV has no column {', '.join(missing)} (line 1).")
    errors, rows = [], []
    for line, raw in enumerate(reader, start=2):
        # Extra cells beyond the header (key None, a list) are ignored.
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        fields: dict[str, Any] = {"title": row["title"], "problem": row["problem"]}
        try:
            for name in CSV_OPTIONAL:
                if row.get(name):
                    fields[name] = _parse_bool(row[name]) if name in BOOLEAN else row[name]
            if row.get("department"):
                if row["department"] not in departments:
                    raise ValueError(f"there is no department {row['department']!r}")
                fields["department"] = departments[row["department"]]
            use_case = UseCase(organization=organization, proposed_by=actor, **fields)
            _clean(use_case)
        except ValueError as exc:
            errors.append(f"Line {line}: {exc}.")
            continue
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.extend(f"Line {line}, {field}: {m}" for m in messages)
            continue
        rows.append(use_case)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("The CSV has no rows.")
    for use_case in rows:
        use_case.save()
        StageChange.objects.create(
            organization=organization,
            use_case=use_case,
            to_stage=Stage.PROPOSED,
            actor=actor,
            reason="Imported from CSV.",
        )
    audit_record(
        organization=organization,
        actor=actor,
        action="use_case.imported",
        target_type="roi.UseCase",
        after={"count": len(rows)},
    )
    return len(rows)
