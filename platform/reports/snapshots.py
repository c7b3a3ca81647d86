"""The executive dashboard's figures, computed at most every REPORTS_DASHBOARD_MAX_AGE
seconds per quarter and department and read from a DashboardSnapshot in between.

Computing every module's section costs about half a second at 10,000 members and 10
million usage events (bench/reports_dashboard.py), and an executive opens the page, filters
it, comes back to it: the figures of a quarter move slowly, and the page says when they
were computed and offers a refresh. The quarterly report's facts (reports.facts) are always
computed afresh: they are what a report is drafted from.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

import privacy
from reports.facts import dashboard_sections
from reports.models import DashboardSnapshot
from reports.types import Period, Section


@dataclass
class Dashboard:
    sections: list[Section]
    computed_at: datetime
    compute_ms: int
    from_snapshot: bool

    @property
    def charts(self) -> dict:
        return {c.key: c for s in self.sections for c in s.charts}


def _fresh(snapshot: DashboardSnapshot | None, max_age: int, threshold: int) -> bool:
    return (
        snapshot is not None
        and snapshot.threshold == threshold
        and timezone.now() - snapshot.computed_at < timedelta(seconds=max_age)
    )


def dashboard(
    org, period: Period, department_id: int | None, *, refresh: bool = False
) -> Dashboard:
    """The dashboard's sections: the stored snapshot while it is younger than the maximum
    age and was released under today's anonymity threshold (and no refresh is asked for),
    otherwise computed and stored (inside the org's context)."""
    key = department_id or 0
    max_age = settings.REPORTS_DASHBOARD_MAX_AGE
    threshold = privacy.threshold_for(org)
    if not refresh and max_age > 0:
        snapshot = DashboardSnapshot.objects.filter(period=period.label, department_key=key).first()
        if _fresh(snapshot, max_age, threshold):
            return Dashboard(
                [Section.from_dict(s) for s in snapshot.sections],
                snapshot.computed_at,
                snapshot.compute_ms,
                from_snapshot=True,
            )
    started = time.perf_counter()
    sections = dashboard_sections(org, period, department_id)
    computed = Dashboard(
        sections,
        timezone.now(),
        round(1000 * (time.perf_counter() - started)),
        from_snapshot=False,
    )
    if max_age > 0:
        # One row per view; two requests computing at once both store, the later wins.
        DashboardSnapshot.objects.bulk_create(
            [
                DashboardSnapshot(
                    organization=org,
                    period=period.label,
                    department_key=key,
                    sections=[s.as_dict() for s in sections],
                    computed_at=computed.computed_at,
                    compute_ms=computed.compute_ms,
                    threshold=threshold,
                )
            ],
            update_conflicts=True,
            unique_fields=["organization", "period", "department_key"],
            update_fields=["sections", "computed_at", "compute_ms", "threshold"],
        )
    return computed
