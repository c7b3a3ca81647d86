"""Article 4 evidence: exporting named records is audited (who exported what, when)."""

from audit.services import audit_record
from tenancy.models import Organization


def article4_export_audit(*, organization: Organization, actor, fmt: str, rows: int) -> None:
    audit_record(
        organization=organization,
        actor=actor,
        action="assessments.article4_exported",
        target_type="assessments.Article4Export",
        after={"format": fmt, "rows": rows},
    )
