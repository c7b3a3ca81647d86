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
groups the organisation now withholds), is not served: the view computes.

So that this rarely happens, a periodic sweep (reports.warm_dashboards, every 10 minutes)
asks for a refresh of each snapshot watched lately (viewed within REPORTS_DASHBOARD_WARM_FOR)
once it is half way through its stale allowance, and for the current quarter of each watched
department, so a quiet night or a new quarter does not make the next view wait. It deletes
the snapshots nobody has looked at for KEEP_UNVIEWED and those of departments that are gone.
The quarterly report's facts (reports.facts) are always computed afresh: they are what a
report is drafted from.
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
from reports.selectors import current_period
from reports.types import Period, Section
from tenancy.models import Department

log = logging.getLogger(__name__)

REFRESH_TASK = "reports.refresh_dashboard"
# A refresh request not answered within this long (a worker lost it, the broker was down)
# is made again by the next view.
REQUEUE_AFTER = timedelta(minutes=10)
# A view marks its snapshot as watched at most this often: one small write, not one per view.
VIEW_MARK_EVERY = timedelta(minutes=15)
# The sweep deletes snapshots nobody has looked at for this long (past quarters pile up).
KEEP_UNVIEWED = timedelta(days=90)


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
                _mark_viewed(snapshot)
                return _served(snapshot)
            if age < timedelta(seconds=max_age + settings.REPORTS_DASHBOARD_STALE_FOR):
                _refresh_later(org.pk, period, department_id, snapshot)
                _mark_viewed(snapshot)
                return _served(snapshot, refreshing=True)
    return _compute(org, period, department_id, threshold=threshold, store=max_age > 0, viewed=True)


def _mark_viewed(snapshot: DashboardSnapshot) -> None:
    now = timezone.now()
    if snapshot.viewed_at is None or now - snapshot.viewed_at >= VIEW_MARK_EVERY:
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=now)


def _compute(
    org,
    period: Period,
    department_id: int | None,
    *,
    threshold: int,
    store: bool,
    viewed: bool = False,
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
                    viewed_at=computed.computed_at if viewed else None,
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
                # A worker's computation is not a view: it keeps the last view's time.
                *(["viewed_at"] if viewed else []),
            ],
        )
    return computed


def _refresh_later(
    org_id: int, period: Period, department_id: int | None, snapshot: DashboardSnapshot | None
) -> bool:
    """Ask a worker to compute this snapshot (None: one not stored yet) again, once: the
    conditional update lets one of many concurrent views through, and a request lost for
    REQUEUE_AFTER is made again. Whether it was asked for."""
    now = timezone.now()
    if snapshot is not None:
        claimed = (
            DashboardSnapshot.objects.filter(pk=snapshot.pk, computed_at=snapshot.computed_at)
            .filter(
                Q(refresh_queued_at__isnull=True) | Q(refresh_queued_at__lt=now - REQUEUE_AFTER)
            )
            .update(refresh_queued_at=now)
        )
        if not claimed:
            return False
    kwargs = {"org_id": org_id, "period": period.label, "department_id": department_id}

    def send() -> None:
        try:
            current_app.send_task(REFRESH_TASK, kwargs=kwargs)
        except Exception:  # the broker is down: the page still shows the stored figures
            log.warning("could not ask for a dashboard refresh %s", kwargs, exc_info=True)

    transaction.on_commit(send)
    return True


def refresh(org, period: Period, department_id: int | None) -> Dashboard | None:
    """The worker's side of a background refresh (inside the org's context): compute and
    store, unless a view or another worker already did since the request."""
    snapshot = _stored(period, department_id)
    if snapshot is not None and snapshot.refresh_queued_at is None:
        return None  # computed again since the request (the request is cleared on store)
    threshold = privacy.threshold_for(org)
    return _compute(org, period, department_id, threshold=threshold, store=True)


def warm(org) -> int:
    """The sweep for one organisation (inside its context): delete the snapshots nobody has
    looked at for KEEP_UNVIEWED and those of departments that are gone; ask for a refresh of
    every snapshot viewed within REPORTS_DASHBOARD_WARM_FOR that is half way through its
    stale allowance or was released under another threshold, and for the current quarter
    of each such department if it is not stored yet. The refreshes asked for."""
    max_age = settings.REPORTS_DASHBOARD_MAX_AGE
    warm_for = settings.REPORTS_DASHBOARD_WARM_FOR
    now = timezone.now()
    departments = set(Department.objects.values_list("pk", flat=True))
    DashboardSnapshot.objects.filter(
        Q(viewed_at__lt=now - KEEP_UNVIEWED)
        | Q(viewed_at__isnull=True, computed_at__lt=now - KEEP_UNVIEWED)
        | (~Q(department_key=0) & ~Q(department_key__in=departments))
    ).delete()
    if max_age <= 0 or warm_for <= 0:
        return 0
    # The keys and dates decide; the sections (the bulk of each row) are not read.
    stored = {(s.period, s.department_key): s for s in DashboardSnapshot.objects.defer("sections")}
    watched = {
        key
        for key, s in stored.items()
        if s.viewed_at is not None and s.viewed_at >= now - timedelta(seconds=warm_for)
    }
    # A new quarter: each department watched last quarter is watched in this one.
    current = current_period().label
    watched |= {(current, department_key) for _, department_key in watched}
    # Refreshed half way through the stale allowance, a snapshot is still served when the
    # next sweep comes, however quiet the page.
    due = now - timedelta(seconds=max_age + settings.REPORTS_DASHBOARD_STALE_FOR / 2)
    threshold = privacy.threshold_for(org)
    asked = 0
    for period, department_key in sorted(watched):
        snapshot = stored.get((period, department_key))
        if snapshot is not None and snapshot.threshold == threshold and snapshot.computed_at >= due:
            continue
        asked += _refresh_later(org.pk, Period.parse(period), department_key or None, snapshot)
    return asked
