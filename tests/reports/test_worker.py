"""A draft started while the model worker is stopped waits, visibly, and completes once a
worker is back, losing no section (a real Celery worker process, stopped and started)."""

import time

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from ops.models import WorkerHeartbeat
from reports.models import Report, ReportSection
from roi.models import Stage, UseCase
from tenancy.context import org_context
from tests.workers import ROOT, Worker, start_worker


def start_model_worker() -> Worker:
    return start_worker(
        "reports",
        queues=("default", "models"),
        # What is tested is the queue, not the model: with no generator to load, every
        # section is written from the facts at once (the model's own path is tested with a
        # stand-in generator in test_drafting.py, and measured in bench/).
        env={"SLM_GENERATOR": str(ROOT / "no-such-model.gguf")},
    )


@pytest.mark.slow
def test_a_draft_waits_for_a_stopped_model_worker_and_completes_when_it_is_back(
    live_cast, client_for
):
    with org_context(live_cast.org_a):
        UseCase.objects.create(
            organization=live_cast.org_a, title="Triage", problem="x", stage=Stage.PILOT
        )
    worker = start_model_worker()
    worker.stop()  # the model worker was running and is stopped now
    assert WorkerHeartbeat.objects.get(hostname=worker.hostname).stopped_at is not None
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

    worker = start_model_worker()
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
        worker.stop()
    with org_context(live_cast.org_a):
        sections = list(report.sections.all())
        drafted = AuditEvent.objects.filter(action="report.drafted").count()
        versions = list(report.versions.values_list("event", flat=True))
    assert len(sections) == 6 and all(s.text for s in sections)
    assert {s.outcome for s in sections} == {ReportSection.Outcome.FALLBACK}
    assert drafted == 1 and versions == ["drafted"]
    box = alice.get(progress).content.decode()
    assert "All 6 sections written" in box and "hx-trigger" not in box
