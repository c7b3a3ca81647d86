"""Tenancy's services record every write in the audit log, but the audit app sits above
tenancy in the layering (an AuditEvent is a TenantModel). So the audit app hands its writer
to tenancy when it starts (`audit.apps.AuditConfig.ready`), and tenancy's services call
`audit_record` from here. Without a writer, a tenancy write fails instead of going
unrecorded."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_writer: Callable[..., Any] | None = None


def register_audit_writer(writer: Callable[..., Any]) -> None:
    global _writer
    _writer = writer


def audit_record(**kwargs: Any) -> Any:
    """`audit.services.audit_record`, with the same keyword arguments."""
    if _writer is None:
        raise ImproperlyConfigured("No audit writer registered: is the audit app installed?")
    return _writer(**kwargs)
