"""Writes: start a draft, write a section (the model worker), edit, refresh, approve,
publish. Each audited; every change keeps a ReportVersion.

The drafting tasks run on the model queue and are sent by name after the commit, so this
module never imports tasks.py. A task that finds its section already written does nothing,
so a redelivered task (the queue acknowledges late: a worker stopped mid-task loses
nothing) cannot write twice.
"""

import logging
import re

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from reports import prose, snapshots
from reports.facts import digest, facts_document
from reports.models import Report, ReportSection, ReportVersion
from reports.render import unknown_numbers
from reports.types import Period
from slm.grounding import NUMBER
from tenancy.context import org_context
from tenancy.models import Department, Organization

logger = logging.getLogger(__name__)
TASK = "reports.draft_sections"
MAX_TEXT = 20_000
INSTRUCTIONS = (
    "Rewrite the paragraph below for a quarterly report to the board, as a business analyst "
    "would: clear, direct sentences. Keep its meaning and every number, percentage and name "
    "exactly as written. Answer with the rewritten paragraph only."
)


def _enqueue(org_id: int, section_ids: list[int]) -> None:
    # One task for the sections queued together: the model writes them in one batch.
    if section_ids:
        current_app.send_task(TASK, args=[org_id, section_ids], queue=settings.MODEL_QUEUE)


def _snapshot(report: Report, *, event: str, actor) -> ReportVersion:
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ReportVersion.objects.create(
        organization_id=report.organization_id,
        report=report,
        number=last + 1,
        event=event,
        status=report.status,
        sections={s.key: s.text for s in report.sections.all()},
        facts_digest=report.facts_digest,
        actor=actor,
    )


def _sections_for(report: Report, document: dict) -> list[ReportSection]:
    return [
        ReportSection(
            organization_id=report.organization_id,
            report=report,
            key=key,
            title=prose.TITLES.get(key) or _title(document, key),
            position=position,
            fallback_text=prose.fallback(document, key),
        )
        for position, key in enumerate(prose.report_keys(document))
    ]


def _title(document: dict, key: str) -> str:
    section = next((s for s in document["sections"] if s["key"] == key), {})
    return section.get("title") or key.replace("_", " ").capitalize()


def report_start(
    *, organization: Organization, actor, period: Period, enqueue: bool = True
) -> tuple[Report, bool]:
    """Start the draft of a quarter; started again, the first draft is returned (False).
    The sections are queued for the model worker (enqueue=False: the caller writes them,
    as the demo seeder does with the fallback text)."""
    existing = Report.objects.filter(period=period.label).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            document = facts_document(organization, period)
            report = Report.objects.create(
                organization=organization,
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                facts=document,
                facts_digest=digest(document),
                created_by=actor,
            )
            sections = ReportSection.objects.bulk_create(_sections_for(report, document))
            audit_record(
                organization=organization,
                actor=actor,
                action="report.draft_started",
                target=report,
                after={"period": period.label},
            )
            ids = [s.pk for s in sections]
            if enqueue:
                transaction.on_commit(lambda: _enqueue(organization.pk, ids))
    except IntegrityError:  # started at the same moment by someone else
        return Report.objects.get(period=period.label), False
    return report, True


def _quality(text: str, fallback: str) -> str:
    """Why a model text that passed the validator still may not replace the fallback, or ''.

    The validator only refuses figures that are not in the facts; a small model also
    drops figures, repeats itself or echoes its prompt. Its job is better wording of the
    same paragraph, so the text must keep the paragraph's figures and its length."""
    words = text.split()
    if not words:
        return "empty draft"
    if " ".join(words) == " ".join(fallback.split()):
        return "the model repeated the paragraph unchanged"
    if not 0.5 <= len(text) / max(len(fallback), 1) <= 1.6:
        return "length: the draft is not a rewording of the paragraph"
    wanted = set(NUMBER.findall(fallback))
    missing = wanted - set(NUMBER.findall(text))
    if len(missing) > len(wanted) // 5:
        return "dropped figures: " + ", ".join(sorted(missing))
    sentences = [s.strip().lower() for s in re.split(r"[.!?\n]", text) if s.strip()]
    if len(set(sentences)) < len(sentences) or len({w.lower() for w in words}) < 0.4 * len(words):
        return "repetitive draft"
    if re.search(r"^\s*[-*] ", text, re.M) and not re.search(r"^\s*[-*] ", fallback, re.M):
        return "the draft lists facts instead of writing prose"
    return ""


def _has_figures(document: dict, key: str) -> bool:
    if key in {"summary", "recommendations"}:
        return any(not s["empty"] for s in document["sections"])
    section = next((s for s in document["sections"] if s["key"] == key), None)
    return bool(section and not section["empty"])


def _max_tokens(fallback: str) -> int:
    # About 4 characters a token in English prose, with a little room for a longer
    # wording: a small model that loops runs to this limit, so it sets the draft's time.
    return min(220, int(len(fallback) / 4 * 1.2) + 12)


def section_write(*, org_id: int, section_id: int, use_model: bool = True) -> str:
    """Write one section (see sections_write). Returns its outcome ('' when nothing was
    to do)."""
    return sections_write(org_id=org_id, section_ids=[section_id], use_model=use_model).get(
        section_id, ""
    )


def sections_write(
    *, org_id: int, section_ids: list[int], use_model: bool = True
) -> dict[int, str]:
    """Write sections: the model improves each fallback's wording within the validator's
    limits, else the fallback stands. The sections with figures go to the model together,
    in one batch. Returns {section id: outcome} for the sections written (one already
    written, as by a redelivered task, is left alone)."""
    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        sections = list(
            ReportSection.objects.select_related("report")
            .filter(pk__in=section_ids)
            .exclude(progress=ReportSection.Progress.DONE)
            .order_by("position")
        )
        ReportSection.objects.filter(pk__in=[s.pk for s in sections]).update(
            progress=ReportSection.Progress.WRITING
        )
    written: dict[int, tuple[str, str, list[str]]] = {}
    wanted = []
    for section in sections:
        fallback = (section.fallback_text, ReportSection.Outcome.FALLBACK)
        if not use_model:
            written[section.pk] = (*fallback, ["written from the facts (no model)"])
        elif not (section.report.facts and _has_figures(section.report.facts, section.key)):
            written[section.pk] = (*fallback, ["no figures to word: the module has reported none"])
        else:
            wanted.append(section)
    if wanted:
        written.update(_drafts(organization, wanted))
    return {
        section.pk: _section_save(organization, section.pk, *written[section.pk])
        for section in sections
    }


def _drafts(organization, sections: list[ReportSection]) -> dict[int, tuple[str, str, list]]:
    from slm import services as slm_services  # the model runtime: only where it runs

    # The paragraph is the model's only fact: every figure and name it may use is there,
    # and a short prompt keeps a CPU draft fast.
    requests = [
        slm_services.DraftRequest(
            facts={"paragraph": section.fallback_text},
            title=section.title,
            max_new_tokens=_max_tokens(section.fallback_text),
            check=lambda text, fallback=section.fallback_text: _quality(text, fallback),
        )
        for section in sections
    ]
    try:
        drafts = slm_services.draft_grounded_many(
            requests, INSTRUCTIONS, organization=organization, retry_on_check=False
        )
    except Exception as exc:  # a model that cannot load must not block the report
        logger.warning("report sections %s: model unavailable: %s", sections, exc)
        reason = [f"model unavailable: {type(exc).__name__}"]
        return {s.pk: (s.fallback_text, ReportSection.Outcome.FALLBACK, reason) for s in sections}
    out = {}
    for section, draft in zip(sections, drafts, strict=True):
        if draft.outcome in {"accepted", "retried"}:
            out[section.pk] = (draft.text.strip(), draft.outcome, list(draft.rejected))
        else:
            out[section.pk] = (
                section.fallback_text,
                ReportSection.Outcome.FALLBACK,
                list(draft.rejected),
            )
    return out


@transaction.atomic
def _save(organization, section_id, text, outcome, rejected) -> str:
    report_id = ReportSection.objects.values_list("report_id", flat=True).get(pk=section_id)
    report = Report.objects.select_for_update().get(pk=report_id)
    section = ReportSection.objects.get(pk=section_id)
    if section.progress == ReportSection.Progress.DONE:
        return ""
    section.text, section.outcome, section.rejected = text, outcome, rejected
    section.progress = ReportSection.Progress.DONE
    section.flagged_numbers = []
    section.save()
    if not report.sections.exclude(progress=ReportSection.Progress.DONE).exists():
        _snapshot(report, event="drafted", actor=None)
        audit_record(
            organization=organization,
            actor=None,
            action="report.drafted",
            target=report,
            after={
                "period": report.period,
                "outcomes": dict(report.sections.values_list("key", "outcome")),
            },
        )
    return outcome


def _section_save(organization, section_id, text, outcome, rejected) -> str:
    with org_context(organization):
        return _save(organization, section_id, text, outcome, rejected)


def _editable(report: Report) -> None:
    if report.status == Report.Status.PUBLISHED:
        raise ValidationError("This report is published; start the next quarter's draft instead.")


def _flags(section: ReportSection, document: dict) -> list[str]:
    return unknown_numbers(section.text, document, section.key, [section.fallback_text])


@transaction.atomic
def section_edit(*, organization, actor, section: ReportSection, text: str) -> ReportSection:
    """Save an admin's Markdown; numbers not in the facts are flagged for the approval."""
    report = Report.objects.select_for_update().get(pk=section.report_id)
    _editable(report)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "Write the section's text; it cannot be empty."})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": f"At most {MAX_TEXT:,} characters (this has {len(text):,})."}
        )
    before = section.text
    section.text, section.edited = text, True
    section.progress = ReportSection.Progress.DONE
    section.flagged_numbers = _flags(section, report.facts)
    section.save()
    if report.status == Report.Status.APPROVED:  # an approved text changed: approve again
        report.status, report.approved_by, report.approved_at = Report.Status.DRAFT, None, None
        report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _snapshot(report, event="edited", actor=actor)
    audit_record(
        organization=organization,
        actor=actor,
        action="report.edited",
        target=report,
        before={"section": section.key, "text": before},
        after={"section": section.key, "text": text, "flagged": section.flagged_numbers},
    )
    return section


@transaction.atomic
def report_refresh(*, organization, actor, report: Report) -> bool:
    """Recompute the facts; when they changed, the sections not edited by hand are written
    again (queued for the model worker) and edited ones are re-checked. False: no change."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _editable(report)
    period = Period.parse(report.period)
    document = facts_document(organization, period)
    new_digest = digest(document)
    if new_digest == report.facts_digest:
        return False
    report.facts, report.facts_digest = document, new_digest
    report.status, report.approved_by, report.approved_at = Report.Status.DRAFT, None, None
    report.save()
    existing = {s.key: s for s in report.sections.all()}
    queued = []
    for fresh in _sections_for(report, document):
        section = existing.get(fresh.key)
        if section is None:
            fresh.save()
            queued.append(fresh.pk)
            continue
        section.fallback_text, section.position = fresh.fallback_text, fresh.position
        if section.edited:
            section.flagged_numbers = _flags(section, document)
        else:
            section.progress, section.outcome = (
                ReportSection.Progress.QUEUED,
                ReportSection.Outcome.PENDING,
            )
            queued.append(section.pk)
        section.save()
    _snapshot(report, event="refreshed", actor=actor)
    audit_record(
        organization=organization,
        actor=actor,
        action="report.refreshed",
        target=report,
        after={"facts_digest": new_digest},
    )
    transaction.on_commit(lambda: _enqueue(organization.pk, queued))
    return True


@transaction.atomic
def report_approve(*, organization, actor, report: Report, accept_flags: bool = False) -> Report:
    """Approve a draft. Every number of every section is checked against the facts again;
    numbers not there block the approval unless the admin confirms them."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.DRAFT:
        raise ValidationError(f"Only a draft can be approved; this report is {report.status}.")
    sections = list(report.sections.all())
    waiting = [s.title for s in sections if s.progress != ReportSection.Progress.DONE]
    if waiting:
        raise ValidationError(f"Still being written: {', '.join(waiting)}.")
    flagged = {}
    for section in sections:
        section.flagged_numbers = _flags(section, report.facts)
        section.save(update_fields=["flagged_numbers", "updated_at"])
        if section.flagged_numbers:
            flagged[section.title] = section.flagged_numbers
    if flagged and not accept_flags:
        listed = "; ".join(f"{t}: {', '.join(n)}" for t, n in flagged.items())
        raise ValidationError(
            f"Numbers not in the facts - {listed}. Correct them, or confirm that they are right."
        )
    report.status, report.approved_by, report.approved_at = (
        Report.Status.APPROVED,
        actor,
        timezone.now(),
    )
    report.save()
    _snapshot(report, event="approved", actor=actor)
    audit_record(
        organization=organization,
        actor=actor,
        action="report.approved",
        target=report,
        after={"period": report.period, "confirmed_numbers": flagged},
    )
    return report


@transaction.atomic
def report_publish(*, organization, actor, report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.APPROVED:
        raise ValidationError("Approve the report before publishing it.")
    report.status, report.published_at = Report.Status.PUBLISHED, timezone.now()
    report.save()
    _snapshot(report, event="published", actor=actor)
    audit_record(
        organization=organization,
        actor=actor,
        action="report.published",
        target=report,
        after={"period": report.period},
    )
    return report


def dashboard_refresh(*, org_id: int, period: str, department_id: int | None) -> int | None:
    """A background refresh of a dashboard snapshot (reports.snapshots): the milliseconds
    the computation took, or None when it was fresh already or the department is gone."""
    with org_context(org_id):
        organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            return None
        if department_id is not None and not Department.objects.filter(pk=department_id).exists():
            return None
        computed = snapshots.refresh(organization, Period.parse(period), department_id)
    return None if computed is None else computed.compute_ms


def dashboards_warm() -> int:
    """The periodic sweep over every organisation's dashboard snapshots (reports.snapshots
    .warm), one organisation's context at a time: the refreshes asked for."""
    asked = 0
    for organization in Organization.objects.order_by("pk"):
        with org_context(organization):
            asked += snapshots.warm(organization)
    return asked
