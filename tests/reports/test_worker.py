"""A draft started while the model worker is stopped waits, visibly, and completes once a
worker is back, losing no section (a real Celery worker process, stopped and started)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from ops.models import WorkerHeartbeat
from reports.models import Report, ReportSection
from roi.models import Stage, UseCase
from tenancy.context import org_context
from tests.ops.conftest import ROOT, database_url


def start_worker() -> tuple[subprocess.Popen, str]:
    hostname = f"reports-{uuid.uuid4().hex[:8]}@localhost"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
        DJANGO_SETTINGS_MODULE="config.test_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        WORKER_HEARTBEAT_SECONDS="1",
        SLM_PRELOAD="false",
        # What is tested is the queue, not the model: with no generator to load, every
        # section is written from the facts at once (the model's own path is tested with a
        # stand-in generator in test_drafting.py, and measured in bench/).
        SLM_GENERATOR=str(ROOT / "no-such-model.gguf"),
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
            "default,models",
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
        time.sleep(0.5)
    return process, hostname


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.slow
def test_a_draft_waits_for_a_stopped_model_worker_and_completes_when_it_is_back(
    live_cast, client_for
):
    with org_context(live_cast.org_a):
        UseCase.objects.create(
            organization=live_cast.org_a, title="Triage", problem="x", stage=Stage.PILOT
        )
    worker, hostname = start_worker()
    stop_worker(worker)  # the model worker was running and is stopped now
    assert WorkerHeartbeat.objects.get(hostname=hostname).stopped_at is not None
    alice = client_for(live_cast.alice)
    slug = live_cast.org_a.slug
    response = alice.post(
        reverse("reports:start", kwargs={"org_slug": slug}), {"period": "2026-Q3"}
    )
    assert response.status_code == 302
    with org_context(live_cast.org_a):
        report = Report.objects.get()
    progress = reverse("reports:progress", kwargs={"org_slug": slug, "pk": report.pk})
    box = alice.get(progress).content.decode()
    assert "0 of 6 sections written" in box and "The model worker is not running" in box
    time.sleep(2)
    with org_context(live_cast.org_a):
        assert not report.sections.exclude(progress=ReportSection.Progress.QUEUED).exists()

    worker, _ = start_worker()
    try:
        deadline = time.monotonic() + 240
        while True:
            with org_context(live_cast.org_a):
                left = report.sections.exclude(progress=ReportSection.Progress.DONE).count()
            if not left:
                break
            assert time.monotonic() < deadline, f"{left} sections still not written"
            time.sleep(1)
    finally:
        stop_worker(worker)
    with org_context(live_cast.org_a):
        sections = list(report.sections.all())
        drafted = AuditEvent.objects.filter(action="report.drafted").count()
        versions = list(report.versions.values_list("event", flat=True))
    assert len(sections) == 6 and all(s.text for s in sections)
    assert {s.outcome for s in sections} == {ReportSection.Outcome.FALLBACK}
    assert drafted == 1 and versions == ["drafted"]
    box = alice.get(progress).content.decode()
    assert "All 6 sections written" in box and "hx-trigger" not in box
