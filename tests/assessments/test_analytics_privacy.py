"""Fluency analytics through `privacy`: the issue's subtraction case, managers, trend
points, track-specific items, and a selector that only reads."""

import numpy as np
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_regenerate
from assessments.models import Attempt, CompetencyScore, ItemStatisticsCache
from assessments.selectors import analytics
from tenancy.context import org_context
from tenancy.models import ManagedDepartment
from tests.assessments.test_analytics import add_people


def published_sums(summary, heatmap) -> dict:
    """Everything the page publishes as sums: the organisation's overall-score sum and
    each department's competency-score sums (mean x people)."""
    rows = {
        r["department"]: [s * r["respondents"] for s in r["scores"]]
        for r in heatmap["rows"]
        if not r["suppressed"]
    }
    return {"total": summary.mean_score * summary.respondents, "rows": rows}


def test_six_and_one_the_single_persons_score_cannot_be_subtracted_back(client_for, mini):
    """The issue's case: 6 people in Support, 1 in Sales. The organisation mean (7 people)
    minus Support's row used to give the single person's score. Now Sales is suppressed
    (fewer than 5) and Support is withheld too, so the only published figure is the total."""
    cast = mini
    rng = np.random.default_rng(11)
    add_people(cast, cast.support, 6, rng, ability=0.6)
    add_people(cast, cast.sales, 1, rng, ability=0.1)
    scope = analytics.Scope(cast.org_a)
    with org_context(cast.org_a):
        release = analytics.campaign_release(scope, cast.campaign)
        summary = analytics.campaign_summary(scope, cast.campaign, release)
        heatmap = analytics.department_heatmap(scope, cast.campaign, release)
        single = Attempt.objects.get(department=cast.sales)
        support_sums = [
            sum(
                CompetencyScore.objects.filter(
                    attempt__department=cast.support, competency__key=key
                ).values_list("score", flat=True)
            )
            for key in ("delegation", "discernment")
        ]
    # The attack works on the raw figures: the overall score is the mean of the
    # competency scores, so total minus Support's row is the single person's score.
    attack = summary.mean_score * 7 - sum(support_sums) / 2
    assert abs(attack - single.overall_score) < 1e-6
    # ... and is impossible on what is published: neither department row has figures.
    rows = {r["department"]: r for r in heatmap["rows"]}
    assert rows["Sales"]["suppressed"] and rows["Sales"]["reason"] == "fewer than 5 people"
    assert rows["Support"]["suppressed"] and "subtraction" in rows["Support"]["reason"]
    assert published_sums(summary, heatmap)["rows"] == {}
    assert summary.respondents == 7  # the total itself covers 7 people and is shown
    # Every channel agrees: page, chart, CSV and API.
    url = reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    page = client_for(cast.erin).get(url)
    assert page.context["charts"]["heatmap"]["y"] == []
    csv = client_for(cast.erin).get(url, {"format": "csv", "table": "heatmap"}).content.decode()
    assert "Support,suppressed" in csv and "Sales,suppressed" in csv
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=cast.erin)}")
    data = client.get(
        reverse(
            "api:fluency-campaign-detail",
            kwargs={"org_slug": cast.org_a.slug, "pk": cast.campaign.pk},
        )
    ).json()
    assert data["respondents"] == 7 and "department" not in str(data).lower()


def test_a_manager_gets_the_same_rules_within_their_departments(client_for, mini):
    """Mona oversees Support (6) and Sales (1): her scope's total must not let her
    subtract Support from it either."""
    cast = mini
    rng = np.random.default_rng(12)
    add_people(cast, cast.support, 6, rng)
    add_people(cast, cast.sales, 1, rng)
    with org_context(cast.org_a):
        ManagedDepartment.objects.create(
            organization=cast.org_a, membership=cast.member("mona"), department=cast.sales
        )
    page = client_for(cast.mona).get(
        reverse("assessments:analytics", kwargs={"org_slug": cast.org_a.slug})
    )
    rows = {r["department"]: r for r in page.context["heatmap"]["rows"]}
    assert page.context["summary"].respondents == 7
    assert rows["Support"]["suppressed"] and rows["Sales"]["suppressed"]
    assert page.context["charts"]["heatmap"]["z"] == []


def test_each_trend_point_is_suppressed_on_its_own(mini):
    cast = mini
    rng = np.random.default_rng(13)
    add_people(cast, cast.support, 6, rng)
    add_people(cast, cast.sales, 3, rng, campaign=cast.closed)
    with org_context(cast.org_a):
        points = analytics.trend(analytics.Scope(cast.org_a), [cast.campaign, cast.closed])
    closed, open_ = points  # oldest first
    assert closed.campaign == cast.closed and closed.suppressed
    assert closed.respondents is None and closed.mean_score is None
    assert closed.reason == "fewer than 5 people"
    assert not open_.suppressed and open_.respondents == 6


def test_a_track_item_answered_by_few_people_has_no_difficulty(mini):
    cast = mini
    rng = np.random.default_rng(14)
    add_people(cast, cast.sales, 6, rng)
    add_people(cast, cast.sales, 1, rng, track="finance")  # the only one who answers d4
    with org_context(cast.org_a):
        stats = analytics.item_statistics(analytics.Scope(cast.org_a), cast.campaign)
    d4 = next(i for i in stats["items"] if i["key"] == "d4")
    assert d4["suppressed"] and d4["difficulty"] is None and d4["flags"] == []
    add_people(cast, cast.sales, 4, rng, track="finance")
    with org_context(cast.org_a):
        stats = analytics.item_statistics(analytics.Scope(cast.org_a), cast.campaign)
    d4 = next(i for i in stats["items"] if i["key"] == "d4")
    assert not d4["suppressed"] and d4["difficulty"] is not None


def test_the_selector_only_reads(mini, django_capture_on_commit_callbacks):
    """Reading cached item statistics neither writes the cache row nor queues a task;
    the view does that (see test_item_statistics_come_from_a_background_cache)."""
    cast = mini
    add_people(cast, cast.sales, 6, np.random.default_rng(15))
    with org_context(cast.org_a), django_capture_on_commit_callbacks() as callbacks:
        items = analytics.item_statistics_cached(analytics.Scope(cast.org_a), cast.campaign)
        assert not ItemStatisticsCache.objects.exists()
    assert items["pending"] and items["refresh_due"] and callbacks == []
