"""The one write path into the audit log; other services call it inside their transaction."""

from typing import Any

from django.db import models

from audit.models import AuditEvent


def audit_record(
    *,
    organization,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type or (target._meta.label if target is not None else ""),
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=before,
        after=after,
    )
