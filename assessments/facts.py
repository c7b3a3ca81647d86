"""The fluency section of the executive dashboard and the quarterly report.

Reads the same selectors as the analytics and Article 4 pages, so the figures are the
pages' own (tests/reports/test_facts.py checks it); every figure comes from a
privacy.Release. Registered in AssessmentsConfig.ready (reports sits below this module).
"""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

import privacy
from assessments.models import Campaign, Competency
from assessments.selectors import analytics, article4
from reports.types import Chart, Fact, Period, Section
from tenancy.models import Department

MODULE = "assessments"


def _end_of(period: Period) -> datetime:
    return timezone.make_aware(datetime.combine(period.end, time.max))


def releases(
    scope: analytics.Scope, campaigns: list[Campaign]
) -> tuple[dict[int, list[privacy.Group]], dict[int, privacy.Release]]:
    """Every campaign's groups and release of overall results, one partition per campaign
    (privacy rule 7), read in one query; competencies are added for the reported campaign
    only (analytics.campaign_release with these groups)."""
    partitions = analytics._partitions(scope, campaigns, competencies=False)
    return partitions, privacy.protect_series(partitions, threshold=scope.threshold)


def released(scope, campaign: Campaign, release: privacy.Release, department_id: int | None):
    """The campaign's summary and released cell: the organisation's total, or one
    department's row of the same release (privacy rule 5, `Release.view`), so a filtered
    figure never uncovers a department the organisation-wide figures suppress."""
    if department_id is None:
        cell = release.total
    else:
        try:
            cell = release.view([department_id], key=department_id)
        except KeyError:  # nobody from that department took part
            return None, None
    return analytics._summary(scope, campaign, cell), cell


def latest_reportable(scope, campaigns: list[Campaign], by_campaign: dict, department_id=None):
    """The newest campaign whose figures are published (not suppressed), with its summary
    and released cell; (None, None, None) when there is none."""
    for campaign in campaigns:
        summary, cell = released(scope, campaign, by_campaign[campaign.pk], department_id)
        if summary is not None and not summary.suppressed:
            return campaign, summary, cell
    return None, None, None


def section(*, org, period: Period, department_id: int | None) -> Section:
    scope = analytics.Scope(org)
    page = reverse("assessments:analytics", kwargs={"org_slug": org.slug})
    out = Section("fluency", "AI fluency")
    campaigns = list(
        Campaign.objects.select_related("version")
        .filter(opens_at__lte=_end_of(period))
        .order_by("-opens_at", "-pk")
    )
    partitions, by_campaign = releases(scope, campaigns)
    campaign, summary, cell = latest_reportable(scope, campaigns, by_campaign, department_id)
    if campaign is None:
        out.empty = True
        out.empty_message = (
            "No assessment results to report for this period yet: run a fluency campaign "
            "(at least as many respondents as the anonymity threshold) and its results appear here."
            if not campaigns
            else "Every campaign up to this period has too few respondents in this scope to be "
            "shown without identifying people. Widen the filter or run a larger campaign."
        )
        out.empty_link = reverse("assessments:campaigns", kwargs={"org_slug": org.slug})
        return out
    # The reported campaign again, with its competencies: the same groups, so the same
    # cells are suppressed (analytics.campaign_release, as on the analytics page).
    release = analytics.campaign_release(scope, campaign, partitions[campaign.pk])
    _, cell = released(scope, campaign, release, department_id)
    link = f"{page}?campaign={campaign.pk}"
    source = {"module": MODULE, "period": period.label, "campaign": campaign.name}
    same = [c for c in campaigns if c.version.framework_id == campaign.version.framework_id]
    older = [c for c in same if c.opens_at < campaign.opens_at]
    _, previous, _ = latest_reportable(scope, older, by_campaign, department_id)
    share = round(100 * summary.share_at_or_above)
    bar = analytics.minimum_level(scope, campaign.version)
    bar_label = {lv["key"]: lv["label"] for lv in campaign.version.levels}.get(bar, bar)
    out.facts += [
        Fact(
            "fluency.share_at_bar",
            f"Share at or above {bar_label}",
            share,
            "percent",
            {**source, "query": "assessments.selectors.analytics.campaign_summary"},
            link,
            previous=None if previous is None else round(100 * previous.share_at_or_above),
        ),
        Fact(
            "fluency.assessed",
            "People assessed",
            summary.respondents,
            "count",
            {**source, "query": "assessments.selectors.analytics.campaign_summary"},
            link,
            previous=None if previous is None else previous.respondents,
        ),
        Fact("fluency.campaign", "Campaign", campaign.name, "text", source, link),
        Fact("fluency.bar", "Bar", bar_label, "text", source, link),
    ]
    competencies = list(Competency.objects.filter(version_id=campaign.version_id))
    means = [
        (c.name, m)
        for c in competencies
        if (m := cell.mean(analytics._competency(c.pk))) is not None
    ]
    if means:
        name, score = min(means, key=lambda nm: (nm[1], nm[0]))
        query = {**source, "query": "assessments.selectors.analytics.campaign_release (total)"}
        out.facts += [
            Fact("fluency.weakest_competency", "Weakest competency", name, "text", query, link),
            Fact("fluency.weakest_score", "Its mean score", round(score, 1), "count", query, link),
        ]
        out.charts.append(
            Chart(
                "fluency.competencies",
                f"Mean score by competency, {campaign.name}",
                "bar",
                ["competency", "mean score"],
                [[n, round(m, 1)] for n, m in sorted(means, key=lambda nm: nm[1])],
            )
        )
    points = []
    for c in sorted((c for c in same if c.opens_at <= campaign.opens_at), key=lambda c: c.opens_at):
        summary_c, _ = released(scope, c, by_campaign[c.pk], department_id)
        if summary_c is not None and not summary_c.suppressed:
            points.append([c.name, round(100 * summary_c.share_at_or_above)])
    if len(points) > 1:
        out.charts.append(
            Chart(
                "fluency.trend",
                f"Share at or above {bar_label}",
                "line",
                ["campaign", "share %"],
                points,
            )
        )
    data = article4.coverage(org)
    coverage = data["total"]
    if department_id is not None:
        name = Department.objects.filter(pk=department_id).values_list("name", flat=True).first()
        coverage = next((r for r in data["rows"] if r.department == name), None)
    if coverage is not None:
        out.facts.append(
            Fact(
                "fluency.article4_coverage",
                "Article 4 coverage (record under 12 months)",
                coverage.share_percent,
                "percent",
                {
                    "module": MODULE,
                    "query": "assessments.selectors.article4.coverage",
                    "period": "12 months to today",
                },
                reverse("assessments:article4", kwargs={"org_slug": org.slug}),
                suppressed=coverage.share is None,
            )
        )
    return out
