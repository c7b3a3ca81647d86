from reports import services
from reports.models import Report
from reports.types import Period
from tenancy.context import org_context

PERIOD = Period.parse("2026-Q3")


def write_report(org, actor, *, period: Period = PERIOD, publish: bool = False) -> Report:
    """A report written from the facts (no model), optionally approved and published."""
    with org_context(org):
        report, _ = services.report_start(
            organization=org, actor=actor, period=period, enqueue=False
        )
        ids = list(report.sections.values_list("pk", flat=True))
    for section_id in ids:
        services.section_write(org_id=org.pk, section_id=section_id, use_model=False)
    if publish:
        with org_context(org):
            services.report_approve(organization=org, actor=actor, report=report, accept_flags=True)
            services.report_publish(organization=org, actor=actor, report=report)
    with org_context(org):
        report.refresh_from_db()
    return report
