"""The drafting tasks, on the model queue: take ids, enter the organisation themselves."""

from celery import shared_task

from reports import services


@shared_task(name="reports.draft_sections", acks_late=True)
def draft_sections_task(org_id: int, section_ids: list[int]) -> dict:
    """The sections queued together (a new draft, a refresh), written in one batch."""
    return services.sections_write(org_id=org_id, section_ids=section_ids)


@shared_task(name="reports.draft_section", acks_late=True)
def draft_section_task(org_id: int, section_id: int) -> str:
    # Messages queued by the version before batching, still delivered after an upgrade.
    return services.section_write(org_id=org_id, section_id=section_id)


@shared_task(name="reports.refresh_dashboard", acks_late=True)
def refresh_dashboard_task(org_id: int, period: str, department_id: int | None) -> int | None:
    """Compute a dashboard snapshot that a view served past its maximum age (default
    queue); the milliseconds it took, or None when it was already fresh or the department
    is gone."""
    return services.dashboard_refresh(org_id=org_id, period=period, department_id=department_id)


@shared_task(name="reports.warm_dashboards")
def warm_dashboards_task() -> int:
    """Beat: keep the dashboard snapshots watched lately computed before they expire."""
    return services.dashboards_warm()
