"""Retention of raw events (docs/shadow_ai_ingest.md, "Retention").

Month partitions are shared by every organisation, so a partition can only be dropped when
no organisation keeps any of it: when its month ended before the longest retention of all
organisations. Organisations with a shorter retention get their older rows deleted (by
row, inside their own org_context, so the policy binds the delete). Dropping goes through
the SECURITY DEFINER function shadow_ai_drop_partitions_before, which only the system role
may execute.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connections
from django.utils import timezone

from shadow_ai.models import ShadowSettings
from tenancy.context import SYSTEM_ALIAS, org_context, system_context
from tenancy.models import Organization

DEFAULT_RETENTION_DAYS = ShadowSettings._meta.get_field("retention_days").default


def retention_apply(*, now: datetime | None = None) -> dict:
    """Delete each organisation's events (and prompts, rollups) older than its retention,
    then drop the partitions nobody keeps. Returns what was done."""
    now = now or timezone.now()
    with system_context():
        orgs = list(Organization.objects.values_list("pk", flat=True))
        days = dict(ShadowSettings.objects.values_list("organization_id", "retention_days"))
    deleted = {}
    for org_id in orgs:
        cutoff = now - timedelta(days=days.get(org_id, DEFAULT_RETENTION_DAYS))
        with org_context(org_id), connections["default"].cursor() as cursor:
            cursor.execute(
                "DELETE FROM shadow_ai_event WHERE organization_id = %s AND ts < %s",
                [org_id, cutoff],
            )
            deleted[org_id] = cursor.rowcount
            cursor.execute(
                "DELETE FROM shadow_ai_promptrecord WHERE organization_id = %s AND ts < %s",
                [org_id, cutoff],
            )
            cursor.execute(
                "DELETE FROM shadow_ai_dailyrollup WHERE organization_id = %s AND day < %s",
                [org_id, cutoff.date()],
            )
    longest = max([days.get(o, DEFAULT_RETENTION_DAYS) for o in orgs] or [DEFAULT_RETENTION_DAYS])
    keep_from = (now - timedelta(days=longest)).date()
    with connections[SYSTEM_ALIAS].cursor() as cursor:
        cursor.execute("SELECT shadow_ai_drop_partitions_before(%s)", [keep_from])
        dropped = cursor.fetchone()[0]
    return {"deleted": deleted, "dropped_partitions": dropped}
