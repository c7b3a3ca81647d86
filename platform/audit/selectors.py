"""Reads of the audit log."""

from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_event_list(*, action: str = "", actor_email: str = "") -> QuerySet[AuditEvent]:
    """Events of the organisation in context, newest first."""
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if actor_email:
        events = events.filter(actor__email__icontains=actor_email)
    return events
