"""The executive dashboard's figures, computed at most every REPORTS_DASHBOARD_MAX_AGE
seconds per quarter and department and read from a DashboardSnapshot in between.

Computing every module's section costs about three quarters of a second at 10,000 members
and 10 million usage events (bench/reports_dashboard.py), and an executive opens the page,
filters it, comes back to it: the figures of a quarter move slowly, and the page says when
they were computed and offers a refresh.

Past the maximum age a snapshot is still served for REPORTS_DASHBOARD_STALE_FOR seconds,
and the view asks a worker (reports.refresh_dashboard, default queue) to compute it again:
the page says that newer figures are on their way, and no view waits for the computation.
A snapshot older than that, or released under another anonymity threshold (it may show
groups the organisation now withholds), is not served: the view computes. The quarterly
report's facts (reports.facts) are always computed afresh: they are what a report is
drafted from.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import privacy
from reports.facts import dashboard_sections
from reports.models import DashboardSnapshot
from reports.types import Period, Section

log = logging.getLogger(__name__)

REFRESH_TASK = "reports.refresh_dashboard"
# A refresh request not answered within this long (a worker lost it, the broker was down)
# is made again by the next view.
REQUEUE_AFTER = timedelta(minutes=10)


@dataclass
class Dashboard:
    sections: list[Section]
    computed_at: datetime
    compute_ms: int
    from_snapshot: bool
    # Served past its maximum age while a worker computes newer figures.
    refreshing: bool = False

    @property
    def charts(self) -> dict:
        return {c.key: c for s in self.sections for c in s.charts}


def _served(snapshot: DashboardSnapshot, *, refreshing: bool = False) -> Dashboard:
    return Dashboard(
        [Section.from_dict(s) for s in snapshot.sections],
        snapshot.computed_at,
        snapshot.compute_ms,
        from_snapshot=True,
        refreshing=refreshing,
    )


def _stored(period: Period, department_id: int | None) -> DashboardSnapshot | None:
    return DashboardSnapshot.objects.filter(
        period=period.label, department_key=department_id or 0
    ).first()


def dashboard(
    org, period: Period, department_id: int | None, *, refresh: bool = False
) -> Dashboard:
    """The dashboard's sections: the stored snapshot while it is younger than the maximum
    age (or, past it, within the stale allowance, with a background refresh asked for) and
    was released under today's anonymity threshold, and no refresh is asked for; otherwise
    computed and stored (inside the org's context)."""
    max_age = settings.REPORTS_DASHBOARD_MAX_AGE
    threshold = privacy.threshold_for(org)
    if not refresh and max_age > 0:
        snapshot = _stored(period, department_id)
        if snapshot is not None and snapshot.threshold == threshold:
            age = timezone.now() - snapshot.computed_at
            if age < timedelta(seconds=max_age):
                return _served(snapshot)
            if age < timedelta(seconds=max_age + settings.REPORTS_DASHBOARD_STALE_FOR):
                _refresh_later(org, period, department_id, snapshot)
                return _served(snapshot, refreshing=True)
    return _compute(org, period, department_id, threshold=threshold, store=max_age > 0)


def _compute(
    org, period: Period, department_id: int | None, *, threshold: int, store: bool
) -> Dashboard:
    started = time.perf_counter()
    sections = dashboard_sections(org, period, department_id)
    computed = Dashboard(
        sections,
        timezone.now(),
        round(1000 * (time.perf_counter() - started)),
        from_snapshot=False,
    )
    if store:
        # One row per quarter and department; two computing at once both store, the
        # later wins.
        DashboardSnapshot.objects.bulk_create(
            [
                DashboardSnapshot(
                    organization=org,
                    period=period.label,
                    department_key=department_id or 0,
                    sections=[s.as_dict() for s in sections],
                    computed_at=computed.computed_at,
                    compute_ms=computed.compute_ms,
                    threshold=threshold,
                    refresh_queued_at=None,
                )
            ],
            update_conflicts=True,
            unique_fields=["organization", "period", "department_key"],
            update_fields=[
                "sections",
                "computed_at",
                "compute_ms",
                "threshold",
                "refresh_queued_at",
            ],
        )
    return computed


def _refresh_later(
    org, period: Period, department_id: int | None, snapshot: DashboardSnapshot
) -> None:
    """Ask a worker to compute this snapshot again, once: the conditional update lets one
    of many concurrent views through, and a request lost for REQUEUE_AFTER is made again."""
    now = timezone.now()
    claimed = (
        DashboardSnapshot.objects.filter(pk=snapshot.pk, computed_at=snapshot.computed_at)
        .filter(Q(refresh_queued_at__isnull=True) | Q(refresh_queued_at__lt=now - REQUEUE_AFTER))
        .update(refresh_queued_at=now)
    )
    if not claimed:
        return
    kwargs = {"org_id": org.pk, "period": period.label, "department_id": department_id}

    def send() -> None:
        try:
            current_app.send_task(REFRESH_TASK, kwargs=kwargs)
        except Exception:  # the broker is down: the page still shows the stored figures
            log.warning("could not ask for a dashboard refresh %s", kwargs, exc_info=True)

    transaction.on_commit(send)


def refresh(org, period: Period, department_id: int | None) -> Dashboard | None:
    """The worker's side of a background refresh (inside the org's context): compute and
    store, unless a view or another worker already did since the request."""
    snapshot = _stored(period, department_id)
    if snapshot is not None and snapshot.refresh_queued_at is None:
        return None  # computed again since the request (the request is cleared on store)
    threshold = privacy.threshold_for(org)
    return _compute(org, period, department_id, threshold=threshold, store=True)
