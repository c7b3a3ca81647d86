"""Classifying unknown hosts and prompt texts through the model worker.

Hosts: each HostClassification row is classified once (the cache: a host seen again in a
later upload is not sent again). The model's answer and the host name's evidence
(shadow_ai.classification.decide_host) give one of three paths - model, heuristic, review.
An AI host becomes a discovered Tool (unreviewed) and its past events are attributed to it
and rolled up; an unsure one goes to the review queue, whose decision does the same and
becomes a labelled example for the next classifications.

Prompts: PromptRecord rows (already scrubbed) get a task category and a sensitivity level;
the event and its day's rollup follow.
"""

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.services import audit_record
from shadow_ai.classification import (
    HOST_LABELS,
    NOT_AI,
    ORDINARY_DOMAINS,
    SHIPPED_EXAMPLES,
    TASK_EXAMPLES,
    HostDecision,
    decide_host,
    host_text,
    label_prompt,
)
from shadow_ai.matching import registrable_domain
from shadow_ai.models import (
    SENSITIVE_LEVELS,
    HostClassification,
    PromptRecord,
    Tool,
    ToolSource,
    ToolStatus,
)
from shadow_ai.services.ingest_store import hosts_tool_assign
from slm import services as slm
from slm.models import ReviewItem
from slm.registry import ModelUnavailable
from tenancy.context import org_context
from tenancy.models import Organization

logger = logging.getLogger(__name__)

REVIEW_ITEM_TYPE = "shadow_ai.HostClassification"
CLASSIFY_HOSTS_TASK = "shadow_ai.classify_hosts"
CLASSIFY_PROMPTS_TASK = "shadow_ai.classify_prompts"


def host_examples() -> dict[str, list[str]]:
    """The shipped examples plus every host a person has decided in this organisation."""
    examples = {label: list(texts) for label, texts in SHIPPED_EXAMPLES.items()}
    # (Also read by hosts_classify: the vendors' own domains are never look-alikes.)
    decided = HostClassification.objects.filter(
        decided_by__in=["review", "admin"], is_ai__isnull=False
    ).values_list("host", "is_ai", "category")
    for host, is_ai, category in decided:
        label = category if is_ai and category in examples else NOT_AI
        examples[label].append(host_text(host))
    return examples


def vendor_domains() -> frozenset[str]:
    """The registrable domains of every catalogue tool (openai.com for api.openai.com)."""
    from shadow_ai.models import CatalogueTool

    domains = set()
    for patterns in CatalogueTool.objects.values_list("domains", flat=True):
        for pattern in patterns:
            if "*" not in pattern and (domain := registrable_domain(pattern)):
                domains.add(domain)
    # Shared platforms host everyone's content; being under them says nothing.
    return frozenset(domains - ORDINARY_DOMAINS)


@dataclass
class ModelAnswer:
    label: str  # a category, or not_ai
    confidence: float  # of AI against not AI
    scores: dict


def _model_answers(organization: Organization, hosts: list[str], examples) -> list | None:
    """The model's answer per host, or None when no model can run.

    Two questions, because a small embedding model answers the first well and the second
    only roughly: AI or not (two labels, a calibrated confidence), then which category (the
    nearest of the AI labels). On the labelled hosts (tests/slm/labelled_hosts.py) the
    binary question is right for 44 of the 46 hosts it is confident about."""
    binary = {
        "ai": [t for label, texts in examples.items() if label != NOT_AI for t in texts],
        NOT_AI: examples[NOT_AI],
    }
    categories = {label: texts for label, texts in examples.items() if label != NOT_AI and texts}
    texts = [host_text(h) for h in hosts]
    try:
        is_ai = slm.classify(
            texts,
            binary,
            organization=organization,
            task="classify_hosts",
            route_low_confidence=False,  # this module decides what goes to review
        )
        kind = slm.classify(
            texts,
            categories,
            organization=organization,
            task="classify_hosts",
            route_low_confidence=False,
        )
    except ModelUnavailable as exc:
        logger.warning("no model for host classification, name rules only: %s", exc)
        return None
    return [
        ModelAnswer(
            k.label if a.label == "ai" else NOT_AI,
            a.confidence,
            {**a.scores, **{f"category:{c}": v for c, v in k.scores.items()}},
        )
        for a, k in zip(is_ai, kind, strict=True)
    ]


def hosts_classify(*, org_id: int, host_ids: list[int]) -> dict[str, int]:
    """Classify the given hosts that are not classified yet; returns how many took each
    path (model, heuristic, review). Idempotent: a classified host is skipped."""
    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        rows = list(
            HostClassification.objects.filter(
                pk__in=host_ids, confidence__isnull=True, is_ai__isnull=True
            ).order_by("pk")
        )
        examples = host_examples()
        known = vendor_domains()
    if not rows:
        return {}
    # The model runs with no transaction open (it may take a while on a CPU).
    answers = _model_answers(organization, [r.host for r in rows], examples)
    paths: dict[str, int] = {}
    with org_context(organization), transaction.atomic():
        for index, row in enumerate(rows):
            row = HostClassification.objects.select_for_update().get(pk=row.pk)
            if row.confidence is not None or row.is_ai is not None:
                continue  # another worker got there first
            answer = answers[index] if answers else None
            decision = decide_host(
                row.host,
                model_label=answer.label if answer else None,
                model_confidence=answer.confidence if answer else None,
                threshold=organization.model_confidence_threshold,
                known_domains=known,
            )
            _apply(organization, row, decision, answer.scores if answer else {})
            paths[decision.path] = paths.get(decision.path, 0) + 1
    return paths


def _apply(organization, row: HostClassification, decision: HostDecision, scores) -> None:
    row.confidence = round(decision.confidence, 4)
    if decision.path == "review":
        row.category = decision.category
        row.save(update_fields=["confidence", "category", "updated_at"])
        if not ReviewItem.objects.filter(item_type=REVIEW_ITEM_TYPE, item_id=str(row.pk)).exists():
            ReviewItem.objects.create(
                organization=organization,
                task="classify_hosts",
                item_type=REVIEW_ITEM_TYPE,
                item_id=str(row.pk),
                input_text=f"Is {row.host} an AI service? ({'; '.join(decision.reasons)})",
                model_output={
                    "label": decision.category or NOT_AI,
                    "scores": scores,
                    "reasons": list(decision.reasons),
                    "path": decision.path,
                },
                confidence=decision.confidence,
            )
        return
    row.is_ai = decision.is_ai
    row.category = decision.category if decision.is_ai else ""
    row.decided_by = "model"
    row.save(update_fields=["is_ai", "category", "confidence", "decided_by", "updated_at"])
    if decision.is_ai:
        _discover(organization, row)


def _discover(organization, row: HostClassification) -> Tool:
    """The AI host's tool: one per registrable domain, discovered and unreviewed."""
    domain = registrable_domain(row.host) or row.host
    tool = Tool.objects.filter(source=ToolSource.DISCOVERED, domains__contains=[domain]).first()
    if tool is None:
        tool = Tool.objects.filter(name=domain).first()
    if tool is None:
        tool = Tool.objects.create(
            organization=organization,
            name=domain,
            category=row.category,
            domains=[domain],
            status=ToolStatus.UNREVIEWED,
            source=ToolSource.DISCOVERED,
            discovered_at=timezone.now(),
        )
        audit_record(
            organization=organization,
            actor=None,
            action="shadow_tool.discovered",
            target=tool,
            after={"name": tool.name, "category": tool.category, "host": row.host},
        )
    row.tool = tool
    row.save(update_fields=["tool", "updated_at"])
    # Its past events (stored without a tool) join the tool and the rollups, once.
    hosts_tool_assign(org_id=organization.pk, hosts=[row.host], tool_id=tool.pk)
    return tool


# --- The review queue -----------------------------------------------------------------------


def check_review_label(label: str) -> str | None:
    if label not in HOST_LABELS:
        return "A host is one of: " + ", ".join(HOST_LABELS) + "."
    return None


def apply_review_decision(item: ReviewItem) -> None:
    """A person decided a host: accepted keeps the proposed label, corrected sets theirs,
    rejected means not AI. The decision is kept as a labelled example (host_examples)."""
    row = HostClassification.objects.filter(pk=int(item.item_id)).first()
    if row is None:
        return
    label = NOT_AI if item.status == ReviewItem.Status.REJECTED else item.decision["label"]
    row.is_ai = label != NOT_AI
    row.category = label if row.is_ai else ""
    row.decided_by = "review"
    row.confidence = 1.0
    row.save(update_fields=["is_ai", "category", "decided_by", "confidence", "updated_at"])
    if row.is_ai:
        _discover(item.organization, row)


# --- Prompts --------------------------------------------------------------------------------


def prompts_classify(*, org_id: int, prompt_ids: list[int]) -> dict[str, int]:
    """Label scrubbed prompts with a task category and a sensitivity level; returns how
    many took each path. The event and its rollup follow a change of sensitivity."""
    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        prompts = list(
            PromptRecord.objects.filter(pk__in=prompt_ids, classified_at__isnull=True).order_by(
                "pk"
            )
        )
    if not prompts:
        return {}
    try:
        answers = slm.classify(
            [p.text for p in prompts],
            TASK_EXAMPLES,
            organization=organization,
            task="classify_prompts",
            route_low_confidence=False,
        )
    except ModelUnavailable as exc:
        logger.warning("no model for prompt classification, keywords only: %s", exc)
        answers = None
    paths: dict[str, int] = {}
    with org_context(organization), transaction.atomic():
        for index, prompt in enumerate(prompts):
            answer = answers[index] if answers else None
            labels = label_prompt(
                prompt.text,
                prompt.pii_counts or {},
                model_label=answer.label if answer else None,
                model_confidence=answer.confidence if answer else None,
                threshold=organization.model_confidence_threshold,
            )
            was_sensitive = prompt.sensitivity in SENSITIVE_LEVELS
            prompt.task_category, prompt.sensitivity = labels.task_category, labels.sensitivity
            prompt.classified_at = timezone.now()
            prompt.save(update_fields=["task_category", "sensitivity", "classified_at"])
            _event_follow(organization, prompt, was_sensitive)
            paths[labels.path] = paths.get(labels.path, 0) + 1
    return paths


def _event_follow(organization, prompt: PromptRecord, was_sensitive: bool) -> None:
    if prompt.event_hash is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shadow_ai_event SET task_category = %s, sensitivity = %s "
            "WHERE organization_id = %s AND event_hash = %s AND ts = %s",
            [
                prompt.task_category,
                prompt.sensitivity,
                organization.pk,
                prompt.event_hash,
                prompt.ts,
            ],
        )
        now_sensitive = prompt.sensitivity in SENSITIVE_LEVELS
        if cursor.rowcount and prompt.tool_id and now_sensitive != was_sensitive:
            cursor.execute(
                "UPDATE shadow_ai_dailyrollup SET sensitive_events = "
                "greatest(0, sensitive_events + %s) WHERE organization_id = %s AND tool_id = %s "
                "AND day = (%s AT TIME ZONE 'UTC')::date AND identity_id IS NOT DISTINCT FROM %s",
                [
                    1 if now_sensitive else -1,
                    organization.pk,
                    prompt.tool_id,
                    prompt.ts,
                    prompt.identity_id,
                ],
            )


# --- The sweep ------------------------------------------------------------------------------

BATCH = 200


def classification_requeue(*, batch: int = BATCH, grace_seconds: int = 120) -> int:
    """Every few minutes (beat): send the prompts not classified yet, and hosts whose
    classification request was lost (broker down, worker gone), to the model queue in
    batches. Ingestion announces new hosts itself; prompts are only picked up here. Sends
    by name after reading, one organisation's context at a time; returns the tasks sent."""
    from datetime import timedelta

    from celery import current_app

    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    sent = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with org_context(org_id):
            prompts = list(
                PromptRecord.objects.filter(classified_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[: batch * 10]
            )
            hosts = list(
                HostClassification.objects.filter(
                    confidence__isnull=True, is_ai__isnull=True, first_seen__lt=cutoff
                )
                .order_by("pk")
                .values_list("pk", flat=True)[: batch * 10]
            )
        for name, ids, key in (
            (CLASSIFY_PROMPTS_TASK, prompts, "prompt_ids"),
            (CLASSIFY_HOSTS_TASK, hosts, "host_ids"),
        ):
            for start in range(0, len(ids), batch):
                current_app.send_task(
                    name, kwargs={"org_id": org_id, key: ids[start : start + batch]}
                )
                sent += 1
    return sent
