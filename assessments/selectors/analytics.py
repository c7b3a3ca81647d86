"""Fluency analytics for leaders, computed in PostgreSQL, with small groups suppressed.

Every figure covers a group of people; a group smaller than the organisation's anonymity
threshold is returned as suppressed (with no numbers), never as a figure. Managers pass
the departments they oversee and see only those.
"""

from dataclasses import dataclass, field

from django.db import connection

from assessments.models import Attempt, Campaign, Competency, FrameworkVersion
from tenancy.models import Department, Organization

SUPPRESSED = "suppressed"


@dataclass
class Scope:
    organization: Organization
    department_ids: list[int] | None = None  # None: the whole organisation

    @property
    def threshold(self) -> int:
        return self.organization.anonymity_threshold


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scope_sql(scope: Scope, alias: str = "a") -> tuple[str, list]:
    sql, params = f" AND {alias}.organization_id = %s", [scope.organization.pk]
    if scope.department_ids is not None:
        sql += f" AND {alias}.department_id = ANY(%s)"
        params.append(list(scope.department_ids))
    return sql, params


def level_keys(version: FrameworkVersion) -> list[str]:
    return [level["key"] for level in version.levels]


def minimum_level(scope: Scope, version: FrameworkVersion) -> str:
    """The organisation's bar, or the framework's own headline level (FT: AI literate)."""
    keys = level_keys(version)
    if version.headline.startswith("share_at_or_above:"):
        return version.headline.split(":", 1)[1]
    wanted = scope.organization.min_fluency_level
    return wanted if wanted in keys else keys[min(1, len(keys) - 1)]


@dataclass
class CampaignSummary:
    campaign: Campaign
    respondents: int
    suppressed: bool
    level_counts: dict[str, int] = field(default_factory=dict)
    share_at_or_above: float | None = None
    mean_score: float | None = None
    segments: dict[str, int] = field(default_factory=dict)


def campaign_summary(scope: Scope, campaign: Campaign) -> CampaignSummary:
    where, params = _scope_sql(scope)
    rows = _rows(
        "SELECT a.overall_level, a.segment, count(*), sum(a.overall_score)"
        " FROM assessments_attempt a WHERE a.campaign_id = %s AND a.status = 'scored'"
        + where
        + " GROUP BY 1, 2",
        [campaign.pk, *params],
    )
    respondents = sum(r[2] for r in rows)
    summary = CampaignSummary(campaign, respondents, respondents < scope.threshold)
    if summary.suppressed:
        return summary
    version = campaign.version
    keys = level_keys(version)
    summary.level_counts = {key: 0 for key in keys}
    for level, segment, count, _total in rows:
        summary.level_counts[level] = summary.level_counts.get(level, 0) + count
        summary.segments[segment] = summary.segments.get(segment, 0) + count
    bar = keys.index(minimum_level(scope, version))
    at_or_above = sum(n for key, n in summary.level_counts.items() if keys.index(key) >= bar)
    summary.share_at_or_above = at_or_above / respondents
    summary.mean_score = sum(r[3] or 0 for r in rows) / respondents
    return summary


def department_heatmap(scope: Scope, campaign: Campaign) -> dict:
    """Mean score per department x competency; departments under the threshold suppressed."""
    where, params = _scope_sql(scope)
    rows = _rows(
        "SELECT a.department_id, cs.competency_id, count(*), avg(cs.score)"
        " FROM assessments_competencyscore cs JOIN assessments_attempt a ON a.id = cs.attempt_id"
        " WHERE a.campaign_id = %s AND a.status = 'scored' AND cs.organization_id = %s"
        + where
        + " GROUP BY 1, 2",
        [campaign.pk, scope.organization.pk, *params],
    )
    competencies = list(
        Competency.objects.filter(version_id=campaign.version_id).order_by("position")
    )
    names = {d.pk: d.name for d in Department.objects.all()}
    cells: dict[int | None, dict[int, tuple[int, float]]] = {}
    for department_id, competency_id, count, mean in rows:
        cells.setdefault(department_id, {})[competency_id] = (count, float(mean))
    table = []
    for department_id, by_competency in sorted(cells.items(), key=lambda kv: names.get(kv[0], "~")):
        respondents = max(count for count, _ in by_competency.values())
        suppressed = respondents < scope.threshold
        table.append(
            {
                "department": names.get(department_id, "No department"),
                "respondents": None if suppressed else respondents,
                "suppressed": suppressed,
                "scores": [
                    None if suppressed else round(by_competency.get(c.pk, (0, 0.0))[1], 1)
                    for c in competencies
                ],
            }
        )
    return {"competencies": [c.name for c in competencies], "rows": table}


def trend(scope: Scope, campaigns: list[Campaign]) -> list[CampaignSummary]:
    """The same summary per campaign, oldest first: the slope matters more than the position."""
    return [campaign_summary(scope, c) for c in sorted(campaigns, key=lambda c: c.opens_at)]


def item_statistics(scope: Scope, campaign: Campaign) -> dict:
    """Difficulty, discrimination (corrected item-total correlation) per item and Cronbach's
    alpha per competency, over scored attempts, in SQL (see assessments.statistics for the
    definitions, which these queries follow). Track-specific items are reported but left out
    of alpha, which needs every respondent to answer every item."""
    where, params = _scope_sql(scope)
    respondents = _rows(
        "SELECT count(*) FROM assessments_attempt a"
        " WHERE a.campaign_id = %s AND a.status = 'scored'" + where,
        [campaign.pk, *params],
    )[0][0]
    if respondents < scope.threshold:
        return {"suppressed": True, "respondents": respondents, "items": [], "alpha": {}}
    # One statement, each input read once: the campaign's scored attempts and the version's
    # ability items are materialised first (small), then joined to the answers. Common
    # items get their competency total per respondent from a window sum; track-specific
    # items (not every respondent has them) get a difficulty only.
    rows = _rows(
        "WITH att AS MATERIALIZED ("
        "  SELECT a.id FROM assessments_attempt a"
        "  WHERE a.campaign_id = %s AND a.status = 'scored'" + where + "),"
        " it AS MATERIALIZED ("
        "  SELECT id, competency_id, track FROM assessments_item"
        "  WHERE version_id = %s AND type <> 'attitude'),"
        " ans AS MATERIALIZED ("
        "  SELECT an.attempt_id, an.item_id, it.competency_id, it.track, an.score"
        "  FROM assessments_answer an JOIN att ON att.id = an.attempt_id"
        "  JOIN it ON it.id = an.item_id),"
        " scored AS ("
        "  SELECT attempt_id, item_id, competency_id, score,"
        "         sum(score) OVER (PARTITION BY attempt_id, competency_id) AS total"
        "  FROM ans WHERE track = '')"
        " SELECT 'item', item_id, competency_id, count(*), avg(score),"
        "        corr(score, total - score), var_samp(score)"
        " FROM scored GROUP BY item_id, competency_id"
        " UNION ALL"
        " SELECT 'track', item_id, competency_id, count(*), avg(score), NULL, NULL"
        " FROM ans WHERE track <> '' GROUP BY item_id, competency_id"
        " UNION ALL"
        " SELECT 'total', NULL, competency_id, count(*), NULL, NULL, var_samp(total)"
        " FROM (SELECT DISTINCT attempt_id, competency_id, total FROM scored) t"
        " GROUP BY competency_id",
        [campaign.pk, *params, campaign.version_id],
    )
    items = [(r[1], r[3], r[4], r[5]) for r in rows if r[0] == "item"]
    track_specific = [(r[1], r[4]) for r in rows if r[0] == "track"]
    totals = {r[2]: r[6] for r in rows if r[0] == "total"}
    sums: dict[int, list] = {}
    for kind, _item_id, competency_id, _n, _mean, _r, variance in rows:
        if kind == "item":
            entry = sums.setdefault(competency_id, [0, 0.0])
            entry[0] += 1
            entry[1] += float(variance or 0)
    alpha_rows = [
        (competency_id, k, item_var, totals.get(competency_id))
        for competency_id, (k, item_var) in sums.items()
    ]
    from assessments.models import Item
    from assessments.statistics import flags_for

    meta = {
        i.pk: i
        for i in Item.objects.filter(version_id=campaign.version_id).select_related("competency")
    }
    out = []
    for item_id, n, difficulty, discrimination in items:
        out.append(
            (
                item_id,
                n,
                float(difficulty),
                None if discrimination is None else float(discrimination),
            )
        )
    for item_id, difficulty in track_specific:
        out.append((item_id, None, float(difficulty), None))
    stats = []
    for item_id, _n, difficulty, discrimination in sorted(out, key=lambda r: meta[r[0]].position):
        flags = flags_for(difficulty, discrimination)
        item = meta[item_id]
        stats.append(
            {
                "key": item.key,
                "competency": item.competency.name,
                "track": item.track,
                "difficulty": round(difficulty, 3),
                "discrimination": None if discrimination is None else round(discrimination, 3),
                "flags": flags,
            }
        )
    alpha = {}
    names = {c.pk: c.name for c in Competency.objects.filter(version_id=campaign.version_id)}
    for competency_id, k, sum_item_var, total_var in alpha_rows:
        if k >= 2 and total_var:
            alpha[names[competency_id]] = round(
                k / (k - 1) * (1 - float(sum_item_var) / float(total_var)), 3
            )
        else:
            alpha[names[competency_id]] = None
    return {"suppressed": False, "respondents": respondents, "items": stats, "alpha": alpha}


REFRESH_AFTER = 300  # seconds between two background refresh requests for one campaign


def item_statistics_cached(scope: Scope, campaign: Campaign) -> dict:
    """The organisation-wide item statistics from the cache, asking for a background
    refresh when they are missing or older than the campaign's results."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from assessments.models import ItemStatisticsCache

    scored = Attempt.objects.filter(campaign=campaign, status=Attempt.Status.SCORED).count()
    cache, _ = ItemStatisticsCache.objects.get_or_create(
        organization=scope.organization, campaign=campaign
    )
    stale = cache.computed_at is None or cache.respondents != scored
    now = timezone.now()
    if stale and (
        cache.requested_at is None or now - cache.requested_at > timedelta(seconds=REFRESH_AFTER)
    ):
        from assessments.tasks import refresh_item_statistics_task

        ItemStatisticsCache.objects.filter(pk=cache.pk).update(requested_at=now)
        org_id, campaign_id = scope.organization.pk, campaign.pk
        transaction.on_commit(lambda: refresh_item_statistics_task.delay(org_id, campaign_id))
    if cache.computed_at is None:
        return {"pending": True, "suppressed": False, "items": [], "alpha": {}}
    return {**cache.data, "computed_at": cache.computed_at, "stale": stale, "pending": False}


def refresh_item_statistics(scope: Scope, campaign: Campaign) -> dict:
    from django.utils import timezone

    from assessments.models import ItemStatisticsCache

    data = item_statistics(scope, campaign)
    ItemStatisticsCache.objects.update_or_create(
        organization=scope.organization,
        campaign=campaign,
        defaults={"data": data, "respondents": data["respondents"], "computed_at": timezone.now()},
    )
    return data
