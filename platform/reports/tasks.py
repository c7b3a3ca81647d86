"""The drafting task, on the model queue: takes ids, enters the organisation itself."""

from celery import shared_task

from reports import services


@shared_task(name="reports.draft_section", acks_late=True)
def draft_section_task(org_id: int, section_id: int) -> str:
    return services.section_write(org_id=org_id, section_id=section_id)
