"""Analytics: suppression below the threshold, manager scope, statistics in SQL, the API."""

import numpy as np
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_regenerate
from assessments.models import Answer, Attempt, Item
from assessments.selectors import analytics
from assessments.services.attempts import attempt_finalize
from assessments.statistics import corrected_item_total, cronbach_alpha
from tenancy.context import org_context
from tests.factories import DepartmentFactory, MembershipFactory

COMMON = ["d1", "d2", "d3", "att", "s1", "s2"]


def add_people(cast, department, n, rng, ability=0.0, track="engineering", campaign=None):
    """n scored attempts in `department`, answers drawn around `ability` (0..1); finance
    people also answer the finance-only item d4."""
    with org_context(cast.org_a):
        items = {i.key: i for i in Item.objects.filter(version=cast.version)}
        for _ in range(n):
            membership = MembershipFactory(
                organization=cast.org_a, department=department, job_track=track
            )
            attempt = Attempt.objects.create(
                organization=cast.org_a,
                campaign=campaign or cast.campaign,
                membership=membership,
                version=cast.version,
                status="submitted",
                department=department,
            )
            for key in COMMON + (["d4"] if track == "finance" else []):
                score = float(np.clip(ability + rng.normal(0, 0.25), 0, 1))
                Answer.objects.create(
                    organization=cast.org_a, attempt=attempt, item=items[key], score=score
                )
    with org_context(cast.org_a):
        for attempt in Attempt.objects.filter(status="submitted"):
            attempt_finalize(attempt=attempt)


def test_groups_below_the_threshold_are_suppressed(mini):
    cast = mini
    rng = np.random.default_rng(1)
    add_people(cast, cast.support, 4, rng)  # threshold is 5
    with org_context(cast.org_a):
        summary = analytics.campaign_summary(analytics.Scope(cast.org_a), cast.campaign)
        assert (
            summary.suppressed and summary.level_counts == {} and summary.share_at_or_above is None
        )
        assert analytics.item_statistics(analytics.Scope(cast.org_a), cast.campaign)["suppressed"]
    add_people(cast, cast.sales, 6, rng)
    with org_context(cast.org_a):
        summary = analytics.campaign_summary(analytics.Scope(cast.org_a), cast.campaign)
        assert not summary.suppressed and summary.respondents == 10
        heatmap = analytics.department_heatmap(analytics.Scope(cast.org_a), cast.campaign)
    rows = {r["department"]: r for r in heatmap["rows"]}
    assert rows["Support"]["suppressed"] and rows["Support"]["scores"] == [None, None]
    assert rows["Support"]["reason"] == "fewer than 5 people"
    # Sales (6) would give Support's figures by subtraction from the total (10): withheld.
    assert rows["Sales"]["suppressed"] and rows["Sales"]["respondents"] is None
    assert rows["Sales"]["scores"] == [None, None] and "subtraction" in rows["Sales"]["reason"]
    engineering = DepartmentFactory(organization=cast.org_a, name="Engineering")
    add_people(cast, engineering, 7, rng)
    with org_context(cast.org_a):
        heatmap = analytics.department_heatmap(analytics.Scope(cast.org_a), cast.campaign)
    rows = {r["department"]: r for r in heatmap["rows"]}
    # Support and Sales together (10 people) protect each other; Engineering is shown.
    assert rows["Support"]["suppressed"] and rows["Sales"]["suppressed"]
    assert rows["Engineering"]["respondents"] == 7 and None not in rows["Engineering"]["scores"]


def test_the_page_says_when_and_why_figures_are_suppressed(client_for, mini):
    cast = mini
    add_people(cast, cast.support, 3, np.random.default_rng(2))
    response = client_for(cast.erin).get(
        reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    )
    assert response.status_code == 200
    assert "Fewer than 5 people" in response.content.decode()


def test_a_manager_sees_only_the_departments_they_oversee(client_for, mini):
    cast = mini  # mona oversees Support
    rng = np.random.default_rng(3)
    add_people(cast, cast.support, 6, rng, ability=0.2)
    add_people(cast, cast.sales, 8, rng, ability=0.9)
    with org_context(cast.org_a):
        mona = cast.member("mona")
        scope = analytics.Scope(cast.org_a, [cast.support.pk])
        summary = analytics.campaign_summary(scope, cast.campaign)
        heatmap = analytics.department_heatmap(scope, cast.campaign)
    assert summary.respondents == 6
    assert [r["department"] for r in heatmap["rows"]] == ["Support"]
    page = client_for(cast.mona).get(
        reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    )
    body = page.content.decode()
    assert "Sales" not in body.split('id="heatmap-heading"')[1]
    assert page.context["summary"].respondents == 6
    assert mona.role == "manager"


def test_sql_item_statistics_match_the_hand_checked_formulas(mini):
    cast = mini
    rng = np.random.default_rng(4)
    add_people(cast, cast.sales, 12, rng, ability=0.5)
    with org_context(cast.org_a):
        stats = analytics.item_statistics(analytics.Scope(cast.org_a), cast.campaign)
        rows = list(
            Answer.objects.filter(attempt__campaign=cast.campaign).values_list(
                "attempt_id", "item__key", "score"
            )
        )
    by_attempt: dict = {}
    for attempt_id, key, score in rows:
        by_attempt.setdefault(attempt_id, {})[key] = score
    for competency, keys in {"Delegation": ["d1", "d2", "d3"], "Discernment": ["s1", "s2"]}.items():
        matrix = np.array([[row[k] for k in keys] for row in by_attempt.values()])
        assert stats["alpha"][competency] == pytest.approx(cronbach_alpha(matrix), abs=1e-3)
        expected = dict(zip(keys, corrected_item_total(matrix), strict=True))
        got = {i["key"]: i for i in stats["items"]}
        for key in keys:
            assert got[key]["difficulty"] == pytest.approx(
                matrix[:, keys.index(key)].mean(), abs=1e-3
            )
            assert got[key]["discrimination"] == pytest.approx(expected[key], abs=1e-3)
    assert "att" not in {i["key"] for i in stats["items"]}  # attitude is not an ability item


def test_api_aggregates_apply_the_same_suppression_and_scope(mini):
    cast = mini
    add_people(cast, cast.support, 3, np.random.default_rng(5))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=cast.erin)}")
    url = reverse(
        "api:fluency-campaign-detail", kwargs={"org_slug": cast.org_a.slug, "pk": cast.campaign.pk}
    )
    data = client.get(url).json()
    assert data["suppressed"] is True and data["respondents"] is None and data["level_counts"] == {}
    add_people(cast, cast.sales, 5, np.random.default_rng(6))
    data = client.get(url).json()
    assert data["suppressed"] is False and data["respondents"] == 8
    assert sum(data["level_counts"].values()) == 8
    listing = client.get(
        reverse("api:fluency-campaign-list", kwargs={"org_slug": cast.org_a.slug})
    ).json()
    assert {c["name"] for c in listing["results"]} == {"Open", "Closed"}


def test_item_statistics_come_from_a_background_cache(
    client_for, mini, django_capture_on_commit_callbacks
):
    from assessments.services.analytics import item_statistics_refresh

    cast = mini
    add_people(cast, cast.sales, 6, np.random.default_rng(7))
    url = reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    with django_capture_on_commit_callbacks() as callbacks:
        first = client_for(cast.alice).get(url)
    assert "being computed in the background" in first.content.decode()
    assert len(callbacks) == 1  # one refresh queued, not one per view
    with django_capture_on_commit_callbacks() as callbacks:
        client_for(cast.alice).get(url)
    assert callbacks == []
    with org_context(cast.org_a):
        item_statistics_refresh(organization=cast.org_a, campaign=cast.campaign)
    page = client_for(cast.alice).get(url).content.decode()
    assert "Computed" in page and "from 6 results" in page
    # Managers and executives never see item statistics.
    assert "Item statistics" not in client_for(cast.erin).get(url).content.decode()


def test_every_analytics_table_exports_csv_with_suppression(client_for, mini):
    cast = mini
    rng = np.random.default_rng(8)
    add_people(cast, cast.support, 3, rng)
    add_people(cast, cast.sales, 6, rng)
    engineering = DepartmentFactory(organization=cast.org_a, name="Engineering")
    add_people(cast, engineering, 7, rng)
    url = reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    heatmap = client.get(url, {"format": "csv", "table": "heatmap"}).content.decode().splitlines()
    assert heatmap[0] == "department,respondents,Delegation,Discernment,note"
    assert "Support,suppressed,,,fewer than 5 people" in heatmap
    assert any(line.startswith("Sales,suppressed,,,withheld so") for line in heatmap)
    assert any(line.startswith("Engineering,7,") for line in heatmap)
    for table in ("levels", "trend", "segments", "items"):
        response = client.get(url, {"format": "csv", "table": table})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    page = client.get(url)
    chart = page.context["charts"]["heatmap"]
    # Support is suppressed, Sales withheld so Support cannot be subtracted back.
    assert chart["y"] == ["Engineering"] and len(chart["z"][0]) == 2


def test_a_retake_counts_each_person_once_by_their_latest_attempt(mini):
    """With retakes a person has several scored attempts at one campaign: head counts and
    scores use only the latest, so a retake neither doubles a person nor keeps an old score."""
    cast = mini
    rng = np.random.default_rng(3)
    add_people(cast, cast.sales, 6, rng, ability=0.2)
    with org_context(cast.org_a):
        scope = analytics.Scope(cast.org_a)
        before = analytics.campaign_summary(scope, cast.campaign)
        first = Attempt.objects.filter(campaign=cast.campaign).order_by("pk").first()
        items = {i.key: i for i in Item.objects.filter(version=cast.version)}
        retake = Attempt.objects.create(
            organization=cast.org_a,
            campaign=cast.campaign,
            membership=first.membership,
            version=cast.version,
            status="submitted",
            department=cast.sales,
            number=2,
        )
        for key in COMMON:
            Answer.objects.create(
                organization=cast.org_a, attempt=retake, item=items[key], score=1.0
            )
        attempt_finalize(attempt=retake)
        after = analytics.campaign_summary(scope, cast.campaign)
        stats = analytics.item_statistics(scope, cast.campaign)
    assert before.respondents == after.respondents == 6
    assert stats["respondents"] == 6
    # The retake's perfect score replaced the first attempt's, so the mean went up.
    assert after.mean_score > before.mean_score
