"""Reads: the reports a member may see, a draft's progress."""

from django.http import Http404
from django.utils import timezone

from ops.selectors import queue_health
from reports.models import Report, ReportSection
from reports.types import Period
from tenancy.models import Role


def current_period() -> Period:
    return Period.containing(timezone.localdate())


def last_complete_period() -> Period:
    return current_period().previous()


def period_choices(count: int = 8) -> list[Period]:
    return current_period().recent(count)


def visible_reports(membership):
    """Executives see published reports only; admins every report."""
    reports = Report.objects.all()
    if membership.role != Role.ADMIN:
        reports = reports.filter(status=Report.Status.PUBLISHED)
    return reports.order_by("-period_start")


def report_for(membership, pk: int) -> Report:
    """A report the member may see, or 404 (an unpublished one is not there for them)."""
    report = visible_reports(membership).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report.")
    return report


def latest_published() -> Report | None:
    return Report.objects.filter(status=Report.Status.PUBLISHED).order_by("-period_start").first()


def progress(report: Report) -> dict:
    sections = list(report.sections.all())
    done = sum(s.progress == ReportSection.Progress.DONE for s in sections)
    waiting = done < len(sections)
    worker_alive = all(q["alive"] for q in queue_health() if q["queue"] == "models")
    return {
        "sections": sections,
        "done": done,
        "total": len(sections),
        "writing": waiting,
        # Nothing is lost while no worker runs: the tasks wait in the queue.
        "worker_down": waiting and not worker_alive,
        "outcomes": {
            o: sum(s.outcome == o for s in sections) for o in ReportSection.Outcome.values
        },
    }
