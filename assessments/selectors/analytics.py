"""Fluency analytics for leaders, computed in PostgreSQL, published through `privacy`.

Nothing here decides on its own what may be shown: every figure is computed per department
(the partition) and handed to `privacy.protect`, which suppresses small departments, the
departments that would let them be worked out by subtraction from the total, and the total
itself when the whole population is small. The summary cards, level and segment counts,
trend points, the heatmap, the CSV exports and the API all read the resulting `Release`.
Managers pass the departments they oversee: their scope is its own population, so the rules
hold within it too.

Selectors only read. Refreshing the item-statistics cache is a write
(`assessments.services.analytics`), and asking for it is the view's job.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection

import privacy
from assessments import scoring
from assessments.models import Campaign, Competency, FrameworkVersion, ItemStatisticsCache
from tenancy.models import Department, FluencyLevel, Membership, Organization, Role

SUPPRESSED = "suppressed"
SCORE = "score"  # measure names inside a privacy.Group


@dataclass
class Scope:
    organization: Organization
    department_ids: list[int] | None = None  # None: the whole organisation

    @property
    def threshold(self) -> int:
        return privacy.threshold_for(self.organization)

    @classmethod
    def for_membership(cls, organization: Organization, membership: Membership) -> "Scope":
        """Admins and executives see the organisation; managers the departments they
        oversee, as a population of its own (the privacy rules apply within it)."""
        if membership.role == Role.MANAGER:
            ids = list(membership.managed_departments.values_list("pk", flat=True))
            return cls(organization, ids)
        return cls(organization)


# With retakes a person may have several scored attempts at one campaign; aggregates count
# each person once, by their latest scored attempt, so a retake never doubles a head count.
LATEST_SCORED = (
    " AND a.status = 'scored' AND NOT EXISTS (SELECT 1 FROM assessments_attempt later"
    " WHERE later.campaign_id = a.campaign_id AND later.membership_id = a.membership_id"
    " AND later.status = 'scored' AND later.number > a.number)"
)


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
    return scoring.bar_level(
        version.levels,
        version.headline,
        scope.organization.min_fluency_level,
        FluencyLevel.values,
    )


def _level(key: str) -> str:
    return f"level:{key}"


def _segment(key: str) -> str:
    return f"segment:{key}"


def _competency(pk: int) -> str:
    return f"competency:{pk}"


def _partitions(
    scope: Scope, campaigns: Sequence[Campaign], *, competencies: bool
) -> dict[int, list[privacy.Group]]:
    """Per campaign, one privacy.Group per department (None: no department) holding the
    count, the sum of overall scores, level and segment counts as sums of 0/1 values and,
    when asked, the sum of each competency's scores."""
    where, params = _scope_sql(scope)
    ids = [c.pk for c in campaigns]
    sums: dict[tuple[int, int | None], dict[str, float]] = {}
    counts: dict[tuple[int, int | None], int] = {}
    for campaign_id, department_id, level, segment, count, total in _rows(
        "SELECT a.campaign_id, a.department_id, a.overall_level, a.segment, count(*),"
        " sum(a.overall_score)"
        " FROM assessments_attempt a WHERE a.campaign_id = ANY(%s)"
        + LATEST_SCORED
        + where
        + " GROUP BY 1, 2, 3, 4",
        [ids, *params],
    ):
        key = (campaign_id, department_id)
        counts[key] = counts.get(key, 0) + count
        group = sums.setdefault(key, {})
        for measure, value in (
            (SCORE, float(total or 0)),
            (_level(level), count),
            (_segment(segment), count),
        ):
            group[measure] = group.get(measure, 0.0) + value
    if competencies:
        for key, by_competency in _competency_sums(scope, ids).items():
            sums.setdefault(key, {}).update(by_competency)
    partitions: dict[int, list[privacy.Group]] = {pk: [] for pk in ids}
    # Sorted by department id so that ties in complementary suppression fall the same way
    # on every request.
    for (campaign_id, department_id), count in sorted(
        counts.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or 0)
    ):
        partitions[campaign_id].append(
            privacy.Group(department_id, count, sums[(campaign_id, department_id)])
        )
    return partitions


def _competency_sums(scope: Scope, ids: list[int]) -> dict[tuple, dict[str, float]]:
    """Per (campaign, department), the sum of each competency's scores over the latest
    scored attempts."""
    if not ids:
        return {}
    where, params = _scope_sql(scope)
    sums: dict[tuple, dict[str, float]] = {}
    for campaign_id, department_id, competency_id, total in _rows(
        "SELECT a.campaign_id, a.department_id, cs.competency_id, sum(cs.score)"
        " FROM assessments_competencyscore cs"
        " JOIN assessments_attempt a ON a.id = cs.attempt_id"
        " WHERE a.campaign_id = ANY(%s) "
        + LATEST_SCORED
        + " AND cs.organization_id = %s"
        + where
        + " GROUP BY 1, 2, 3",
        [ids, scope.organization.pk, *params],
    ):
        sums.setdefault((campaign_id, department_id), {})[_competency(competency_id)] = float(total)
    return sums


def campaign_release(
    scope: Scope, campaign: Campaign, groups: list[privacy.Group] | None = None
) -> privacy.Release:
    """The campaign's results by department, after suppression: the one source of the
    summary and the heatmap shown together, so that both come from the same figures.
    `groups`: the campaign's partition already read without competencies (the dashboard
    reads every campaign's that way), to which only the competency sums are added."""
    if groups is None:
        groups = _partitions(scope, [campaign], competencies=True)[campaign.pk]
    else:
        extra = _competency_sums(scope, [campaign.pk])
        groups = [
            privacy.Group(g.key, g.count, {**g.sums, **extra.get((campaign.pk, g.key), {})})
            for g in groups
        ]
    return privacy.protect(groups, threshold=scope.threshold)


@dataclass
class CampaignSummary:
    campaign: Campaign
    respondents: int | None
    suppressed: bool
    level_counts: dict[str, int] = field(default_factory=dict)
    share_at_or_above: float | None = None
    mean_score: float | None = None
    segments: dict[str, int] = field(default_factory=dict)
    reason: str = ""


def _summary(scope: Scope, campaign: Campaign, total: privacy.Cell) -> CampaignSummary:
    """The headline figures of one campaign, read only from the released total."""
    if total.suppressed:
        return CampaignSummary(campaign, None, True, reason=total.why)
    version = campaign.version
    keys = level_keys(version)
    summary = CampaignSummary(campaign, total.count, False)
    summary.level_counts = {key: int(total.sum(_level(key)) or 0) for key in keys}
    for measure, value in total.sums.items():
        if measure.startswith("segment:"):
            summary.segments[measure.removeprefix("segment:")] = int(value)
    bar = keys.index(minimum_level(scope, version))
    at_or_above = sum(n for key, n in summary.level_counts.items() if keys.index(key) >= bar)
    summary.share_at_or_above = at_or_above / total.count
    summary.mean_score = total.mean(SCORE)
    return summary


def campaign_summary(
    scope: Scope, campaign: Campaign, release: privacy.Release | None = None
) -> CampaignSummary:
    release = release if release is not None else campaign_release(scope, campaign)
    return _summary(scope, campaign, release.total)


def department_heatmap(
    scope: Scope, campaign: Campaign, release: privacy.Release | None = None
) -> dict:
    """Mean score per department x competency; suppressed departments (small ones, and
    those withheld so a small one cannot be subtracted back) carry no figures."""
    release = release if release is not None else campaign_release(scope, campaign)
    competencies = list(
        Competency.objects.filter(version_id=campaign.version_id).order_by("position")
    )
    names = {d.pk: d.name for d in Department.objects.all()}
    table = []
    for cell in sorted(release.cells, key=lambda c: names.get(c.key, "~")):
        table.append(
            {
                "department": names.get(cell.key, "No department"),
                "respondents": cell.count,
                "suppressed": cell.suppressed,
                "reason": cell.why,
                "scores": [
                    None if cell.suppressed else round(cell.mean(_competency(c.pk)) or 0.0, 1)
                    for c in competencies
                ],
            }
        )
    return {"competencies": [c.name for c in competencies], "rows": table}


def campaign_summaries(scope: Scope, campaigns: Sequence[Campaign]) -> list[CampaignSummary]:
    """The summary of each campaign, in the order given, read in one query. Each campaign
    is its own partition with its own total (privacy rule 7)."""
    releases = privacy.protect_series(
        _partitions(scope, campaigns, competencies=False), threshold=scope.threshold
    )
    return [_summary(scope, c, releases[c.pk].total) for c in campaigns]


def default_campaign(scope: Scope, campaigns: Sequence[Campaign]) -> Campaign:
    """The campaign the analytics page opens on: the newest (campaigns come newest first)
    whose results are not all suppressed, else the newest."""
    for summary in campaign_summaries(scope, campaigns):
        if not summary.suppressed:
            return summary.campaign
    return campaigns[0]


def trend(scope: Scope, campaigns: list[Campaign]) -> list[CampaignSummary]:
    """The same summary per campaign, oldest first: the slope matters more than the position."""
    return campaign_summaries(scope, sorted(campaigns, key=lambda c: c.opens_at))


def item_statistics(scope: Scope, campaign: Campaign) -> dict:
    """Difficulty, discrimination (corrected item-total correlation) per item and Cronbach's
    alpha per competency, over scored attempts, in SQL (see assessments.statistics for the
    definitions, which these queries follow). Track-specific items are reported but left out
    of alpha, which needs every respondent to answer every item.

    Privacy: the whole population must reach the threshold, and so must the people who
    answered a track-specific item (its difficulty is their mean score on it); a
    correlation or an alpha is not a sum, so it is only ever published over the whole
    population (see `privacy`)."""
    where, params = _scope_sql(scope)
    respondents = _rows(
        "SELECT count(*) FROM assessments_attempt a"
        " WHERE a.campaign_id = %s" + LATEST_SCORED + where,
        [campaign.pk, *params],
    )[0][0]
    if privacy.protect_population(respondents, threshold=scope.threshold).suppressed:
        return {"suppressed": True, "respondents": None, "items": [], "alpha": {}}
    # One statement, each input read once: the campaign's scored attempts and the version's
    # ability items are materialised first (small), then joined to the answers. Common
    # items get their competency total per respondent from a window sum; track-specific
    # items (not every respondent has them) get a difficulty only.
    rows = _rows(
        "WITH att AS MATERIALIZED ("
        "  SELECT a.id FROM assessments_attempt a"
        "  WHERE a.campaign_id = %s" + LATEST_SCORED + where + "),"
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
    # A track's item answered by fewer people than the threshold gets no difficulty.
    track_specific = [
        (r[1], r[4])
        for r in rows
        if r[0] == "track"
        and not privacy.protect_population(r[3], threshold=scope.threshold).suppressed
    ]
    withheld_items = [r[1] for r in rows if r[0] == "track" and r[1] not in dict(track_specific)]
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
    for item_id in withheld_items:
        out.append((item_id, None, None, None))
    stats = []
    for item_id, _n, difficulty, discrimination in sorted(out, key=lambda r: meta[r[0]].position):
        item = meta[item_id]
        stats.append(
            {
                "key": item.key,
                "competency": item.competency.name,
                "track": item.track,
                "difficulty": None if difficulty is None else round(difficulty, 3),
                "discrimination": None if discrimination is None else round(discrimination, 3),
                "flags": [] if difficulty is None else flags_for(difficulty, discrimination),
                "suppressed": difficulty is None,
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


def item_statistics_cached(scope: Scope, campaign: Campaign) -> dict:
    """The organisation-wide item statistics from the cache, read only. `refresh_due`
    says the cache is missing or older than the campaign's results; the caller asks for a
    refresh (`assessments.services.analytics.item_statistics_request_refresh`)."""
    from assessments.models import Attempt

    # People, not attempts: the statistics count each person's latest scored attempt.
    scored = (
        Attempt.objects.filter(campaign=campaign, status=Attempt.Status.SCORED)
        .values("membership")
        .distinct()
        .count()
    )
    cache = ItemStatisticsCache.objects.filter(campaign=campaign).first()
    stale = cache is None or cache.computed_at is None or cache.respondents != scored
    if cache is None or cache.computed_at is None:
        return {
            "pending": True,
            "refresh_due": stale,
            "suppressed": False,
            "items": [],
            "alpha": {},
        }
    return {
        **cache.data,
        "computed_at": cache.computed_at,
        "stale": stale,
        "refresh_due": stale,
        "pending": False,
    }
