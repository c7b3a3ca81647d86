"""Acme's shadow-AI demo (seeder order 30): the catalogue, settings, sanction statuses,
self-declarations from about 30% of the people, then about 90 days of gateway logs in every
format (shadow_ai.demo_logs) ingested through the real pipeline (shadow_ai.services.ingest).

Idempotent: statuses and settings are set again, declarations and uploads are made once
(the same log file uploaded again is a duplicate and counts nothing twice).

The setting SHADOW_DEMO_EVENTS (environment variable) sets the number of generated events
(default 500,000, the issue's figure: generating them takes about 11 s and ingesting them
about 26 s on two shared cores; the test settings use 3,000).
"""

import logging
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from shadow_ai.models import CatalogueTool, Declaration, Tool, ToolStatus
from tenancy.context import org_context
from tenancy.models import Membership, Role
from tenancy.seeding import DemoSeed

logger = logging.getLogger(__name__)

# Catalogue key -> (status, conditions). Keys missing from the catalogue are skipped.
# ChatGPT is Acme's licensed tool (ChatGPT Enterprise); the catalogue has one entry for it.
STATUSES = {
    "chatgpt": (ToolStatus.APPROVED, ""),
    "m365-copilot": (
        ToolStatus.APPROVED_WITH_CONDITIONS,
        "Work account only; no customer personal data.",
    ),
    "copilot": (
        ToolStatus.APPROVED_WITH_CONDITIONS,
        "Signed in with the work account only.",
    ),
    "github-copilot": (
        ToolStatus.APPROVED_WITH_CONDITIONS,
        "Business plan seats only; public-code filter on.",
    ),
    "deepseek": (ToolStatus.PROHIBITED, ""),
    "character-ai": (ToolStatus.PROHIBITED, ""),
    "claude": (ToolStatus.UNDER_REVIEW, ""),
    "perplexity": (ToolStatus.UNDER_REVIEW, ""),
    "gemini": (ToolStatus.UNDER_REVIEW, ""),
    "deepl": (ToolStatus.APPROVED, ""),
    "grammarly": (ToolStatus.APPROVED_WITH_CONDITIONS, "Company licence only."),
}
DECLARED = [
    ("ChatGPT", ["writing", "summarisation"], "daily", True, Decimal("20.00")),
    ("Claude", ["writing", "analysis"], "weekly", True, Decimal("20.00")),
    ("DeepL", ["translation"], "weekly", False, None),
    ("GitHub Copilot", ["coding"], "daily", True, Decimal("10.00")),
    ("Perplexity", ["analysis"], "weekly", True, Decimal("20.00")),
    ("Grammarly", ["writing", "customer_communication"], "daily", False, None),
    ("Otter.ai", ["summarisation"], "monthly", True, Decimal("16.99")),
    ("ChatGPT", ["customer_communication"], "daily", False, None),
]


def _catalogue() -> None:
    from shadow_ai.services.catalogue import catalogue_import

    catalogue_import()  # the global catalogue (not a tenant table): updated in place


def _statuses(organization, actor) -> None:
    from shadow_ai.services.governance import (
        shadow_settings_update,
        tool_for_catalogue,
        tool_status_set,
    )

    with org_context(organization):
        shadow_settings_update(organization=organization, actor=actor, leadership_estimate_pct=25)
        for key, (status, conditions) in STATUSES.items():
            entry = CatalogueTool.objects.filter(key=key).first()
            if entry is None:
                continue
            tool = tool_for_catalogue(organization=organization, catalogue_tool=entry)
            if tool.status != status:
                tool_status_set(tool=tool, actor=actor, status=status, conditions=conditions)


def _declarations(organization) -> None:
    from shadow_ai.services.governance import declaration_save

    rng = random.Random(30)
    with org_context(organization):
        if Declaration.objects.exists():
            return
        members = list(
            Membership.objects.filter(is_active=True)
            .select_related("organization", "user")
            .order_by("pk")
        )
        for membership in rng.sample(members, k=round(len(members) * 0.3)):
            for name, tasks, frequency, pays, cost in rng.sample(DECLARED, k=rng.choice([1, 1, 2])):
                declaration_save(
                    membership=membership,
                    tool_name=name,
                    tool=Tool.objects.filter(name__iexact=name).first(),
                    tasks=tasks,
                    frequency=frequency,
                    pays_personally=pays,
                    monthly_personal_cost=cost,
                )


def _logs(organization, admin_membership, events: int) -> dict:
    """Generate the demo logs and ingest them through the real pipeline (upload_create,
    then upload_process - what the worker runs), in this process, timing each step."""
    from shadow_ai.demo_logs import LOG_FILES_BY_NAME, DemoPerson, write_demo_logs
    from shadow_ai.models import LogSource, Upload
    from shadow_ai.services import ingest

    with org_context(organization):
        if Upload.objects.exists():
            return {"skipped": "already ingested"}
        people = [
            DemoPerson(
                email=m.user.email,
                username=m.user.email.split("@")[0],
                ip=f"10.{20 + i // 62500}.{(i // 250) % 250}.{i % 250 + 1}",
                department=m.department.name if m.department else "",
            )
            for i, m in enumerate(
                Membership.objects.filter(is_active=True)
                .select_related("user", "department")
                .order_by("pk")
            )
        ]
        _aliases(organization, people)
    started = time.perf_counter()
    timings: dict = {"events": events}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_demo_logs(Path(folder), people=people, events=events)
        timings["generate_s"] = round(time.perf_counter() - started, 1)
        for path in paths:
            spec = LOG_FILES_BY_NAME[path.name]
            with org_context(organization):
                source = LogSource.objects.filter(name=spec.label).first() or ingest.source_save(
                    organization=organization,
                    actor=admin_membership.user,
                    name=spec.label,
                    fmt=spec.format,
                    options=spec.options,
                )
                with open(path, "rb") as handle:
                    created = ingest.upload_create(
                        organization=organization,
                        actor=admin_membership.user,
                        membership=admin_membership,
                        source=source,
                        fileobj=handle,
                        filename=path.name,
                    )
            ingest.upload_process(org_id=organization.pk, upload_id=created.upload.pk)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    timings["classified"] = _classify_hosts(organization)
    started = time.perf_counter()
    timings["prompts"] = _classify_prompts(organization)
    timings["prompts_s"] = round(time.perf_counter() - started, 1)
    return timings


def _aliases(organization, people) -> None:
    """Acme's directory export: how each person appears in the logs (email, user name,
    workstation address). The last 15 people's user names and addresses are left out, so
    that the demo has unmatched identities for the admin to map (shadow_ai:identities)."""
    from shadow_ai.models import IdentityAlias

    by_email = {
        m.user.email: m for m in Membership.objects.select_related("user").filter(is_active=True)
    }
    rows = []
    for index, person in enumerate(people):
        membership = by_email.get(person.email)
        kinds = [("email", person.email)]
        if index < len(people) - 15:
            kinds += [("username", person.username), ("ip", person.ip)]
        rows += [
            IdentityAlias(organization=organization, kind=k, value=v, membership=membership)
            for k, v in kinds
        ]
    IdentityAlias.objects.bulk_create(rows, ignore_conflicts=True)


def _classify_prompts(organization) -> dict:
    """Label the demo prompts (the beat sweep sends them to the worker in a deployment)."""
    from shadow_ai.models import PromptRecord
    from shadow_ai.services.classification import prompts_classify

    with org_context(organization):
        ids = list(
            PromptRecord.objects.filter(classified_at__isnull=True).values_list("pk", flat=True)
        )
    paths: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        for path, n in prompts_classify(
            org_id=organization.pk, prompt_ids=ids[start : start + 500]
        ).items():
            paths[path] = paths.get(path, 0) + n
    return paths


def _classify_hosts(organization) -> dict:
    """Classify the unknown hosts the demo logs brought (the worker does this after each
    upload; the demo seeding runs it here so that it does not need a worker)."""
    from shadow_ai.models import HostClassification
    from shadow_ai.services.classification import hosts_classify

    with org_context(organization):
        ids = list(
            HostClassification.objects.filter(confidence__isnull=True).values_list("pk", flat=True)
        )
    return hosts_classify(org_id=organization.pk, host_ids=ids) if ids else {}


def seed_demo_shadow_ai(seed: DemoSeed) -> None:
    acme = seed.organizations.get("acme")
    if acme is None:
        return
    _catalogue()
    with org_context(acme):
        admin = (
            Membership.objects.filter(role=Role.ADMIN, is_active=True)
            .select_related("user", "organization")
            .order_by("pk")
            .first()
        )
    _statuses(acme, admin.user)
    _declarations(acme)
    events = settings.SHADOW_DEMO_EVENTS
    if not events:
        return
    with org_context(acme):
        admin_membership = Membership.objects.select_related("user", "organization").get(
            pk=admin.pk
        )
    timings = _logs(acme, admin_membership, events)
    logger.warning("shadow-AI demo logs: %s", timings)
