"""Demo: Acme gets a published report for the last quarter and a draft for this one.

Both are written synchronously from the facts (the fallback path): seed_demo never waits
for a model. Runs after the modules' seeders (order 80), so the facts are theirs.
"""

from reports import services
from reports.models import Report
from reports.selectors import current_period, last_complete_period
from tenancy.context import org_context
from tenancy.models import Membership, Role
from tenancy.seeding import DemoSeed


def _write_all(org, report: Report) -> None:
    with org_context(org):
        ids = list(report.sections.values_list("pk", flat=True))
    for section_id in ids:
        services.section_write(org_id=org.pk, section_id=section_id, use_model=False)


def seed_demo_reports(seed: DemoSeed) -> None:
    org = seed.organizations.get("acme")
    if org is None:
        return
    with org_context(org):
        admin = (
            Membership.objects.filter(role=Role.ADMIN, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        actor = admin.user if admin else None
        published, created = services.report_start(
            organization=org, actor=actor, period=last_complete_period(), enqueue=False
        )
    if created:
        _write_all(org, published)
        with org_context(org):
            services.report_approve(
                organization=org, actor=actor, report=published, accept_flags=True
            )
            services.report_publish(organization=org, actor=actor, report=published)
    with org_context(org):
        draft, created = services.report_start(
            organization=org, actor=actor, period=current_period(), enqueue=False
        )
    if created:
        _write_all(org, draft)
