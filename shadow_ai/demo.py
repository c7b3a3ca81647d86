"""Acme's shadow-AI demo (seeder order 30): the catalogue, settings, sanction statuses,
self-declarations from about 30% of the people, then about 90 days of gateway logs in every
format (shadow_ai.demo_logs) ingested through the real pipeline (shadow_ai.services.ingest).

Idempotent: statuses and settings are set again, declarations and uploads are made once
(the same log file uploaded again is a duplicate and counts nothing twice).

SHADOW_DEMO_EVENTS sets the number of generated events (default 60,000, so that seeding
stays around a minute on a laptop; the issue's 500,000 takes longer - see docs/shadow_ai.md).
"""

import logging
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from shadow_ai.models import CatalogueTool, Declaration, Tool, ToolStatus
from tenancy.context import org_context
from tenancy.models import Membership, Role
from tenancy.seeding import DemoSeed

logger = logging.getLogger(__name__)

DEFAULT_EVENTS = 60_000
# Catalogue key -> (status, conditions). Keys missing from the catalogue are skipped.
STATUSES = {
    "chatgpt-enterprise": (ToolStatus.APPROVED, ""),
    "chatgpt": (ToolStatus.UNDER_REVIEW, ""),
    "microsoft-copilot": (
        ToolStatus.APPROVED_WITH_CONDITIONS,
        "Work account only; no customer personal data.",
    ),
    "github-copilot": (
        ToolStatus.APPROVED_WITH_CONDITIONS,
        "Business plan seats only; public-code filter on.",
    ),
    "deepseek": (ToolStatus.PROHIBITED, ""),
    "character-ai": (ToolStatus.PROHIBITED, ""),
    "claude": (ToolStatus.UNDER_REVIEW, ""),
    "perplexity": (ToolStatus.UNDER_REVIEW, ""),
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
    from tenancy.context import system_context

    with system_context():  # the global catalogue, written by the operators' path
        catalogue_import()


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
    """Generate the demo logs and ingest them through the real pipeline, in this process
    (as the worker would), timing it."""
    from django.core.files.base import File

    from shadow_ai.demo_logs import DemoPerson, write_demo_logs
    from shadow_ai.models import LogSource, Upload
    from shadow_ai.services import ingest

    with org_context(organization):
        if Upload.objects.exists():
            return {"skipped": "already ingested"}
        people = [
            DemoPerson(
                email=m.user.email,
                username=m.user.email.split("@")[0],
                ip=f"10.{20 + i // 65000}.{(i // 250) % 256}.{i % 250 + 1}",
                department=m.department.name if m.department else "",
            )
            for i, m in enumerate(
                Membership.objects.filter(is_active=True)
                .select_related("user", "department")
                .order_by("pk")
            )
        ]
    started = time.perf_counter()
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_demo_logs(Path(folder), people=people, events=events)
        timings["generate_s"] = round(time.perf_counter() - started, 1)
        for path in paths:
            fmt = (
                ingest.format_for_demo_file(path.name)
                if hasattr(ingest, "format_for_demo_file")
                else None
            )
            with org_context(organization):
                source = LogSource.objects.filter(name=f"Demo {path.name.split('.')[0]}").first()
                if source is None:
                    source = ingest.source_save(
                        organization=organization,
                        actor=admin_membership.user,
                        name=f"Demo {path.name.split('.')[0]}",
                        format=fmt or _format_of(path.name),
                        options={},
                    )
                with open(path, "rb") as handle:
                    created = ingest.upload_create(
                        organization=organization,
                        actor=admin_membership.user,
                        membership=admin_membership,
                        source=source,
                        fileobj=File(handle),
                        filename=path.name,
                    )
            ingest.upload_process(org_id=organization.pk, upload_id=created.upload.pk)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    return timings


def _format_of(filename: str) -> str:
    name = filename.lower()
    for needle, fmt in (
        ("squid", "squid"),
        ("proxysg", "w3c"),
        ("netskope", "w3c"),
        ("zscaler", "zscaler_json" if name.endswith((".json", ".json.gz")) else "zscaler_tsv"),
        ("cloudflare", "cloudflare"),
        (".csv", "csv"),
        ("jsonl", "jsonl"),
    ):
        if needle in name:
            return fmt
    return "jsonl"


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
    events = int(os.environ.get("SHADOW_DEMO_EVENTS", DEFAULT_EVENTS))
    timings = _logs(acme, admin, events)
    logger.info("shadow-AI demo logs: %s events, %s", events, timings)
