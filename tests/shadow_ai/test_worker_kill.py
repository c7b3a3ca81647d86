"""A real Celery worker killed (SIGKILL) in the middle of a file: the upload is left at its
last checkpoint with consistent counts, and a second worker resumes it without counting
anything twice."""

import time
from pathlib import Path

import pytest
from django.db import connections

from shadow_ai.models import Upload, UploadStatus
from shadow_ai.tasks import resume_stalled_uploads
from tenancy.context import org_context
from tests import workers
from tests.shadow_ai.ingest_helpers import event_count, make_source, rollup_total, squid_log, upload
from tests.workers import Worker

LINES = 40_000
CHUNK = 1_000


def start_worker(upload_dir: Path) -> Worker:
    return workers.start_worker(
        "shadow",
        queues=("default",),
        env={"SHADOW_AI_UPLOAD_DIR": str(upload_dir), "SHADOW_AI_CHUNK_ROWS": str(CHUNK)},
        poll_seconds=0.3,
    )


def state(org, upload_id) -> Upload:
    with org_context(org):
        return Upload.objects.get(pk=upload_id)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True, databases=["default", "system", "owner"])
def test_worker_killed_mid_file_resumes_without_counting_twice(live_cast, settings, tmp_path):
    cast = live_cast
    settings.SHADOW_AI_UPLOAD_DIR = tmp_path
    from shadow_ai.services.catalogue import catalogue_import

    catalogue_import()
    # Drain anything an earlier run left on this test broker, so no stale task runs here.
    from config.celery import app

    app.control.purge()
    first = start_worker(tmp_path)
    second = None
    try:
        source = make_source(cast.org_a, cast.alice)
        up, _ = upload(
            cast.org_a,
            cast.alice,
            cast.member("alice"),
            source,
            squid_log(LINES, start=time.time() - 5 * 86400),
            process=False,
        )  # committed: on_commit sends shadow_ai.process_upload to the worker
        wait_for(lambda: state(cast.org_a, up.pk).lines_done >= 5 * CHUNK, 120, "five chunks")
        first.kill()
        killed = state(cast.org_a, up.pk)
        assert killed.status == UploadStatus.PROCESSING
        assert 0 < killed.lines_done < LINES
        # What the dead worker committed is consistent: checkpoint, counters, events, rollups.
        assert killed.accepted == killed.lines_done == killed.total
        assert event_count(cast.org_a) == rollup_total(cast.org_a) == killed.accepted

        second = start_worker(tmp_path)
        assert resume_stalled_uploads(stalled_seconds=0) == 1
        done = wait_for(
            lambda: (u := state(cast.org_a, up.pk)).status != UploadStatus.PROCESSING and u,
            180,
            "the upload to finish",
        )
        assert done.status == UploadStatus.DONE, done.error
        assert (done.total, done.accepted, done.duplicate, done.rejected) == (LINES, LINES, 0, 0)
        assert event_count(cast.org_a) == rollup_total(cast.org_a) == LINES
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        connections.close_all()
