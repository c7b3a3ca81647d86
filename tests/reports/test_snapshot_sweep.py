"""The periodic sweep over the dashboard snapshots (reports.warm_dashboards): a snapshot
watched lately is recomputed before it expires, a watched department gets the new quarter
before anyone opens it, views mark what is watched without a write per view, snapshots
nobody looks at are deleted, and one organisation's sweep touches no other's snapshots."""

from datetime import timedelta

import pytest
from celery import current_app
from django.utils import timezone

from reports import services, snapshots
from reports.models import DashboardSnapshot
from reports.selectors import current_period
from roi.models import Stage
from tenancy.context import org_context
from tests.ops.conftest import celery_worker_process  # noqa: F401
from tests.reports.test_snapshots import age, production, wait_for_refresh

HALF_STALE = 300 + 3600 // 2  # the maximum age plus half the stale allowance (defaults)


@pytest.fixture
def sent(monkeypatch, django_capture_on_commit_callbacks):
    """The refreshes the sweep asks for, as (period, department_id, org_id): the requests
    are sent after commit, so the callbacks run, with the broker's send recorded."""
    requests: list[tuple] = []

    def send_task(name, kwargs):
        assert name == snapshots.REFRESH_TASK
        requests.append((kwargs["period"], kwargs["department_id"], kwargs["org_id"]))

    monkeypatch.setattr(current_app, "send_task", send_task)

    def sweep() -> list[tuple]:
        requests.clear()
        with django_capture_on_commit_callbacks(execute=True):
            asked = services.dashboards_warm()
        assert asked == len(requests)
        return sorted(requests, key=str)

    return sweep


def viewed(days: float) -> None:
    DashboardSnapshot.objects.update(viewed_at=timezone.now() - timedelta(days=days))


def test_a_watched_snapshot_is_refreshed_half_way_through_its_stale_allowance(cast, sent):
    use_case = production(cast.org_a, "Ticket triage")
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        age(HALF_STALE - 60)
    assert sent() == []  # still well within what views are served
    with org_context(cast.org_a):
        age(HALF_STALE + 1)
        use_case.stage = Stage.PILOT
        use_case.save(update_fields=["stage"])
    assert sent() == [(period.label, None, cast.org_a.pk)]
    assert sent() == []  # asked once, not at every sweep
    services.dashboard_refresh(org_id=cast.org_a.pk, period=period.label, department_id=None)
    with org_context(cast.org_a):
        # The view that comes after a quiet hour reads figures the worker computed.
        served = snapshots.dashboard(cast.org_a, period, None)
    assert served.from_snapshot and not served.refreshing
    assert ["Production", 1] not in served.charts["roi.use_cases_by_stage"].rows
    assert sent() == []


def test_a_snapshot_nobody_watched_this_week_is_left_to_expire(cast, sent):
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, current_period(), None)
        age(HALF_STALE + 1)
        viewed(days=8)
    assert sent() == []


def test_a_snapshot_released_under_another_threshold_is_refreshed_however_young(cast, sent):
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, current_period(), None)
    cast.org_a.anonymity_threshold += 3
    cast.org_a.save(update_fields=["anonymity_threshold"])
    assert sent() == [(current_period().label, None, cast.org_a.pk)]


def test_a_department_watched_last_quarter_gets_this_quarter_before_anyone_opens_it(cast, sent):
    last = current_period().previous()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, last, cast.support.pk)
    assert sent() == [(current_period().label, cast.support.pk, cast.org_a.pk)]
    services.dashboard_refresh(
        org_id=cast.org_a.pk, period=current_period().label, department_id=cast.support.pk
    )
    with org_context(cast.org_a):
        opened = snapshots.dashboard(cast.org_a, current_period(), cast.support.pk)
    assert opened.from_snapshot
    assert sent() == []


def test_views_mark_their_snapshot_as_watched_without_a_write_per_view(cast):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        first = DashboardSnapshot.objects.get().viewed_at
        assert first is not None
        snapshots.dashboard(cast.org_a, period, None)
        assert DashboardSnapshot.objects.get().viewed_at == first
        marked = timezone.now() - snapshots.VIEW_MARK_EVERY - timedelta(seconds=1)
        DashboardSnapshot.objects.update(viewed_at=marked)
        snapshots.dashboard(cast.org_a, period, None)
        assert DashboardSnapshot.objects.get().viewed_at > marked
        # A stale snapshot served while a worker recomputes was viewed too.
        age(301)
        DashboardSnapshot.objects.update(viewed_at=marked)
        assert snapshots.dashboard(cast.org_a, period, None).refreshing
        assert DashboardSnapshot.objects.get().viewed_at > marked
        age(301)
        DashboardSnapshot.objects.update(viewed_at=marked)
    # The worker's computation is not a view: the last view's time stays.
    services.dashboard_refresh(org_id=cast.org_a.pk, period=period.label, department_id=None)
    with org_context(cast.org_a):
        stored = DashboardSnapshot.objects.get()
        assert stored.refresh_queued_at is None and stored.viewed_at == marked


def test_the_sweep_deletes_what_nobody_looks_at_and_departments_that_are_gone(cast, sent):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        snapshots.dashboard(cast.org_a, period.previous(), None)
        snapshots.dashboard(cast.org_a, period, cast.sales.pk)
        snapshots.dashboard(cast.org_a, period, cast.support.pk)
        old = timezone.now() - snapshots.KEEP_UNVIEWED - timedelta(days=1)
        DashboardSnapshot.objects.filter(period=period.previous().label).update(viewed_at=old)
        DashboardSnapshot.objects.filter(department_key=cast.sales.pk).update(
            viewed_at=None, computed_at=old
        )
        cast.support.delete()
    sent()
    with org_context(cast.org_a):
        kept = set(DashboardSnapshot.objects.values_list("period", "department_key"))
    assert kept == {(period.label, 0)}


def test_one_organisations_sweep_leaves_another_organisations_snapshots_alone(cast):
    period = current_period()
    for org in (cast.org_a, cast.org_b):
        with org_context(org):
            snapshots.dashboard(org, period, None)
    with org_context(cast.org_b):
        age(HALF_STALE + 1)
    with org_context(cast.org_a):
        # Acme's sweep sees only Acme's snapshot, fresh: nothing to ask, nothing to delete.
        assert snapshots.warm(cast.org_a) == 0
    with org_context(cast.org_b):
        stored = DashboardSnapshot.objects.get()
        assert stored.refresh_queued_at is None
        old = timezone.now() - snapshots.KEEP_UNVIEWED - timedelta(days=1)
        DashboardSnapshot.objects.update(viewed_at=old)
    with org_context(cast.org_a):
        snapshots.warm(cast.org_a)
    with org_context(cast.org_b):
        assert DashboardSnapshot.objects.exists()  # Globex's own sweep deletes it, not Acme's


def test_no_sweep_without_snapshots_or_a_watch_period(cast, sent, settings):
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, current_period(), None)
        age(HALF_STALE + 1)
    settings.REPORTS_DASHBOARD_WARM_FOR = 0
    assert sent() == []
    settings.REPORTS_DASHBOARD_WARM_FOR = 3600
    settings.REPORTS_DASHBOARD_MAX_AGE = 0
    assert sent() == []


def test_the_sweep_is_on_the_beat_schedule():
    entries = [e["task"] for e in current_app.conf.beat_schedule.values()]
    assert "reports.warm_dashboards" in entries


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_a_real_worker_runs_the_sweep_and_the_refresh_it_asks_for(
    celery_worker_process,  # noqa: F811
    live_cast,
    client_for,
):
    production(live_cast.org_a, "Ticket triage")
    erin = client_for(live_cast.erin)
    home = f"/o/{live_cast.org_a.slug}/executive/"
    assert not erin.get(home).context["dashboard"].from_snapshot
    production(live_cast.org_a, "Invoice matching")
    with org_context(live_cast.org_a):
        age(HALF_STALE + 1)
        before = DashboardSnapshot.objects.get().computed_at
    current_app.send_task("reports.warm_dashboards")
    wait_for_refresh(live_cast.org_a, before)
    page = erin.get(home).context["dashboard"]
    assert page.from_snapshot and not page.refreshing
    assert ["Production", 2] in page.charts["roi.use_cases_by_stage"].rows
