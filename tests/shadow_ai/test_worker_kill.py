"""A real Celery worker killed (SIGKILL) in the middle of a file: the upload is left at its
last checkpoint with consistent counts, and a second worker resumes it without counting
anything twice."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connections

from shadow_ai.models import Upload, UploadStatus
from shadow_ai.tasks import resume_stalled_uploads
from tenancy.context import org_context
from tests.ops.conftest import database_url
from tests.shadow_ai.ingest_helpers import event_count, make_source, rollup_total, squid_log, upload

ROOT = Path(__file__).resolve().parents[2]
LINES = 40_000
CHUNK = 1_000


def start_worker(upload_dir: Path) -> tuple[subprocess.Popen, str]:
    from ops.models import WorkerHeartbeat

    hostname = f"shadow-{uuid.uuid4().hex[:8]}@localhost"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
        DJANGO_SETTINGS_MODULE="config.test_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        WORKER_HEARTBEAT_SECONDS="1",
        SLM_PRELOAD="false",
        SHADOW_AI_UPLOAD_DIR=str(upload_dir),
        SHADOW_AI_CHUNK_ROWS=str(CHUNK),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default",
            "-n",
            hostname,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 90
    while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the worker sent no heartbeat within 90 s")
        time.sleep(0.3)
    return process, hostname


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
    first, _ = start_worker(tmp_path)
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
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        killed = state(cast.org_a, up.pk)
        assert killed.status == UploadStatus.PROCESSING
        assert 0 < killed.lines_done < LINES
        # What the dead worker committed is consistent: checkpoint, counters, events, rollups.
        assert killed.accepted == killed.lines_done == killed.total
        assert event_count(cast.org_a) == rollup_total(cast.org_a) == killed.accepted

        second, _ = start_worker(tmp_path)
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
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        connections.close_all()
