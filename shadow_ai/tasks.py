"""Ingestion tasks. Thin: each takes ids (org_id explicit) and calls a service."""

from datetime import timedelta

from celery import current_app, shared_task
from django.utils import timezone

from shadow_ai.models import Upload, UploadKind, UploadStatus
from shadow_ai.services.ingest import PROCESS_TASK, upload_process
from shadow_ai.services.ingest_retention import retention_apply
from shadow_ai.services.ingest_store import partitions_ensure
from tenancy.context import system_context

STALLED_AFTER = timedelta(minutes=5)


@shared_task(name=PROCESS_TASK, acks_late=True)
def process_upload(*, org_id: int, upload_id: int) -> None:
    upload_process(org_id=org_id, upload_id=upload_id)


@shared_task(name="shadow_ai.resume_stalled_uploads")
def resume_stalled_uploads(stalled_seconds: int | None = None) -> int:
    """Re-send uploads whose worker died (no checkpoint for a while) or whose task was lost;
    processing resumes at the last checkpoint, so nothing is counted twice."""
    cutoff = timezone.now() - (
        timedelta(seconds=stalled_seconds) if stalled_seconds is not None else STALLED_AFTER
    )
    with system_context():
        stalled = list(
            Upload.objects.filter(kind=UploadKind.FILE)
            .filter(
                status__in=[UploadStatus.QUEUED, UploadStatus.PROCESSING],
            )
            .exclude(heartbeat_at__gt=cutoff)
            .exclude(heartbeat_at__isnull=True, created_at__gt=cutoff)
            .values_list("organization_id", "pk")
        )
    for org_id, upload_id in stalled:
        current_app.send_task(PROCESS_TASK, kwargs={"org_id": org_id, "upload_id": upload_id})
    return len(stalled)


@shared_task(name="shadow_ai.ensure_partitions")
def ensure_partitions() -> None:
    """This month's and next month's event partitions, created ahead of the first insert
    (creating one locks the parent table briefly)."""
    today = timezone.now().date().replace(day=1)
    following = (today + timedelta(days=32)).replace(day=1)
    partitions_ensure([today, following])


@shared_task(name="shadow_ai.apply_retention")
def apply_retention() -> dict:
    return retention_apply()
