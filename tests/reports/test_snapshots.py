"""The executive dashboard's snapshots: a view within the maximum age reads the stored
figures, a refresh or an older snapshot computes them again, what is read back is what was
computed (Decimal money and dates included), and another organisation reads none of it."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports import services, snapshots
from reports.facts import dashboard_sections
from reports.models import DashboardSnapshot
from reports.selectors import current_period
from reports.types import Chart, Fact, Section
from roi.models import Stage, UseCase
from tenancy.context import org_context
from tests.ops.conftest import celery_worker_process  # noqa: F401

CHART = "roi.use_cases_by_stage"


def production(org, title: str) -> UseCase:
    with org_context(org):
        return UseCase.objects.create(
            organization=org, title=title, problem="x", stage=Stage.PRODUCTION
        )


def stages_csv(client, org) -> str:
    home = reverse("core:executive_home", kwargs={"org_slug": org.slug})
    response = client.get(home, {"format": "csv", "chart": CHART})
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_reads_the_snapshot_until_someone_recomputes(cast, client_for):
    production(cast.org_a, "Ticket triage")
    erin = client_for(cast.erin)
    home = reverse("core:executive_home", kwargs={"org_slug": cast.org_a.slug})
    first = erin.get(home)
    assert first.status_code == 200 and not first.context["dashboard"].from_snapshot
    assert "Figures computed" in first.content.decode()
    assert "Production,1" in stages_csv(erin, cast.org_a)
    production(cast.org_a, "Invoice matching")
    # Within the maximum age the stored figures are shown, and the page says when from.
    again = erin.get(home)
    assert again.context["dashboard"].from_snapshot
    assert "kept for up to 5 minutes" in again.content.decode()
    assert "Production,1" in stages_csv(erin, cast.org_a)
    refreshed = erin.post(home, {"refresh": "1"})
    assert refreshed.status_code == 302 and refreshed["Location"] == home
    assert "Production,2" in stages_csv(erin, cast.org_a)


def age(seconds: int) -> None:
    """Make the stored snapshots this many seconds old (in the org's context)."""
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(seconds=seconds))


def wait_for_refresh(org, before, timeout: float = 120) -> None:
    """Until a worker has stored the organisation's (only) snapshot again after `before`
    and cleared the request."""
    deadline = time.monotonic() + timeout
    while True:
        with org_context(org):
            stored = DashboardSnapshot.objects.get()
        if stored.computed_at > before and stored.refresh_queued_at is None:
            return
        assert time.monotonic() < deadline, "no worker refreshed the snapshot"
        time.sleep(0.5)


@pytest.mark.parametrize("stale_for", [0, 3600])
def test_a_snapshot_past_every_allowance_is_computed_again_by_the_view(cast, settings, stale_for):
    """Past the maximum age plus the stale allowance (or past the maximum age when there is
    none), the view computes and stores the figures itself."""
    settings.REPORTS_DASHBOARD_STALE_FOR = stale_for
    production(cast.org_a, "Ticket triage")
    period = current_period()
    with org_context(cast.org_a):
        assert not snapshots.dashboard(cast.org_a, period, None).from_snapshot
        assert snapshots.dashboard(cast.org_a, period, None).from_snapshot
        age(301 + stale_for)
        fresh = snapshots.dashboard(cast.org_a, period, None)
        assert not fresh.from_snapshot
        assert DashboardSnapshot.objects.get().computed_at == fresh.computed_at  # stored again


def test_past_the_maximum_age_the_snapshot_is_served_and_a_refresh_asked_for_once(
    cast, django_capture_on_commit_callbacks
):
    """Within the stale allowance no view waits for the computation: the stored figures are
    shown, marked as being refreshed, and one refresh is asked of a worker however many
    views come; the worker's side computes and stores them, after which views read them
    fresh and the worker has nothing left to do."""
    use_case = production(cast.org_a, "Ticket triage")
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        use_case.stage = Stage.PILOT
        use_case.save(update_fields=["stage"])
        age(301)
        with django_capture_on_commit_callbacks() as asked:
            stale = snapshots.dashboard(cast.org_a, period, None)
        assert stale.from_snapshot and stale.refreshing
        assert ["Production", 1] in stale.charts[CHART].rows
        assert len(asked) == 1
        queued = DashboardSnapshot.objects.get().refresh_queued_at
        assert queued is not None
        with django_capture_on_commit_callbacks() as again:
            assert snapshots.dashboard(cast.org_a, period, None).refreshing
        assert again == [] and DashboardSnapshot.objects.get().refresh_queued_at == queued
    ms = services.dashboard_refresh(org_id=cast.org_a.pk, period=period.label, department_id=None)
    assert ms is not None
    with org_context(cast.org_a):
        stored = DashboardSnapshot.objects.get()
        assert stored.refresh_queued_at is None
        fresh = snapshots.dashboard(cast.org_a, period, None)
        assert fresh.from_snapshot and not fresh.refreshing
        assert ["Production", 1] not in fresh.charts[CHART].rows
    # Asked twice (two views before the worker ran): the second finds it done.
    assert (
        services.dashboard_refresh(org_id=cast.org_a.pk, period=period.label, department_id=None)
        is None
    )


def test_a_lost_refresh_request_is_made_again_by_a_later_view(
    cast, django_capture_on_commit_callbacks
):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        age(301)
        DashboardSnapshot.objects.update(
            refresh_queued_at=timezone.now() - snapshots.REQUEUE_AFTER - timedelta(seconds=1)
        )
        with django_capture_on_commit_callbacks() as asked:
            assert snapshots.dashboard(cast.org_a, period, None).refreshing
        assert len(asked) == 1


def test_a_stale_snapshot_released_under_a_lower_threshold_is_not_served_either(cast):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        age(301)
    cast.org_a.anonymity_threshold += 3
    cast.org_a.save(update_fields=["anonymity_threshold"])
    with org_context(cast.org_a):
        served = snapshots.dashboard(cast.org_a, period, None)
        assert not served.from_snapshot and not served.refreshing


def test_the_refresh_of_another_organisation_leaves_this_ones_snapshot_alone(cast):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        age(301)
        snapshots.dashboard(cast.org_a, period, None)  # asks for a refresh
    services.dashboard_refresh(org_id=cast.org_b.pk, period=period.label, department_id=None)
    with org_context(cast.org_a):
        assert DashboardSnapshot.objects.get().refresh_queued_at is not None
    with org_context(cast.org_b):
        assert DashboardSnapshot.objects.get().organization_id == cast.org_b.pk
    # A department of another organisation is not one of Globex's: nothing is computed.
    assert (
        services.dashboard_refresh(
            org_id=cast.org_b.pk, period=period.label, department_id=cast.support.pk
        )
        is None
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_a_real_worker_computes_what_a_view_served_past_its_maximum_age(
    celery_worker_process,  # noqa: F811
    live_cast,
    client_for,
):
    production(live_cast.org_a, "Ticket triage")
    erin = client_for(live_cast.erin)
    home = reverse("core:executive_home", kwargs={"org_slug": live_cast.org_a.slug})
    assert not erin.get(home).context["dashboard"].from_snapshot
    production(live_cast.org_a, "Invoice matching")
    with org_context(live_cast.org_a):
        age(301)
        before = DashboardSnapshot.objects.get().computed_at
    page = erin.get(home)
    assert page.context["dashboard"].refreshing
    assert "newer figures are being computed" in page.content.decode()
    wait_for_refresh(live_cast.org_a, before)
    after = erin.get(home).context["dashboard"]
    assert after.from_snapshot and not after.refreshing
    assert "Production,2" in stages_csv(erin, live_cast.org_a)


def test_a_snapshot_released_under_a_lower_threshold_is_not_served(cast):
    """Raising the anonymity threshold must withhold the groups it now covers at once, not
    after the snapshot's maximum age."""
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        assert snapshots.dashboard(cast.org_a, period, None).from_snapshot
    cast.org_a.anonymity_threshold += 3
    cast.org_a.save(update_fields=["anonymity_threshold"])
    with org_context(cast.org_a):
        assert not snapshots.dashboard(cast.org_a, period, None).from_snapshot
        assert DashboardSnapshot.objects.get().threshold == cast.org_a.anonymity_threshold


def test_each_department_has_its_own_snapshot(cast):
    period = current_period()
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, period, None)
        support = snapshots.dashboard(cast.org_a, period, cast.support.pk)
        assert not support.from_snapshot  # not the whole organisation's figures
        keys = set(DashboardSnapshot.objects.values_list("period", "department_key"))
    assert keys == {(period.label, 0), (period.label, cast.support.pk)}


def test_no_maximum_age_computes_every_time_and_stores_nothing(cast, settings):
    settings.REPORTS_DASHBOARD_MAX_AGE = 0
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, current_period(), None)
        assert not snapshots.dashboard(cast.org_a, current_period(), None).from_snapshot
        assert not DashboardSnapshot.objects.exists()


def test_what_is_read_back_is_what_was_computed(cast):
    """Money stays Decimal (plain JSON would make it a string, which Fact.change takes for
    text), dates stay dates, charts keep their rows."""
    production(cast.org_a, "Ticket triage")
    period = current_period()
    with org_context(cast.org_a):
        computed = dashboard_sections(cast.org_a, period)
        snapshots.dashboard(cast.org_a, period, None)
        read = snapshots.dashboard(cast.org_a, period, None)
    assert read.from_snapshot
    assert read.sections == computed
    # Money as Decimal, months as dates, through the database and back.
    section = Section(
        "roi",
        "Portfolio",
        facts=[Fact("roi.value", "Value", Decimal("1234.50"), "money", {"module": "roi"})],
        charts=[
            Chart("roi.months", "By month", "line", ["month", "value"], [[date(2026, 7, 1), 2.5]])
        ],
    )
    with org_context(cast.org_a):
        DashboardSnapshot.objects.filter(period=period.label).update(sections=[section.as_dict()])
        back = Section.from_dict(DashboardSnapshot.objects.get(period=period.label).sections[0])
    assert back == section
    assert isinstance(back.facts[0].value, Decimal)
    assert isinstance(back.charts[0].rows[0][0], date)


@pytest.mark.wall("rls")
def test_another_organisation_reads_none_of_the_snapshots_in_the_database(cast):
    with org_context(cast.org_a):
        snapshots.dashboard(cast.org_a, current_period(), None)
    with org_context(cast.org_b), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_dashboardsnapshot")
        assert cursor.fetchone()[0] == 0


def test_another_organisations_dashboard_never_shows_the_stored_figures(cast, client_for):
    """Same quarter, same department key (0): Globex's page must be computed from Globex's
    data, not read from Acme's snapshot; and Acme's page is a 404 to Globex's admin."""
    production(cast.org_a, "Ticket triage")
    assert "Production,1" in stages_csv(client_for(cast.erin), cast.org_a)  # stored
    bob = client_for(cast.bob)
    assert "Production,1" not in stages_csv(bob, cast.org_b)
    with org_context(cast.org_b):
        assert not DashboardSnapshot.objects.filter(organization=cast.org_a).exists()
    acme = reverse("core:executive_home", kwargs={"org_slug": cast.org_a.slug})
    assert bob.get(acme).status_code == 404
    assert bob.post(acme, {"refresh": "1"}).status_code == 404
