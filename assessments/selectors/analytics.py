"""Fluency analytics for leaders, computed in PostgreSQL, with small groups suppressed.

Every figure covers a group of people; a group smaller than the organisation's anonymity
threshold is returned as suppressed (with no numbers), never as a figure. Managers pass
the departments they oversee and see only those.
"""

from dataclasses import dataclass, field

from django.db import connection

from assessments.models import Campaign, Competency, FrameworkVersion
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
    base = (
        "WITH ans AS ("
        "  SELECT an.attempt_id, an.item_id, i.competency_id, i.track, an.score"
        "  FROM assessments_answer an JOIN assessments_item i ON i.id = an.item_id"
        "  JOIN assessments_attempt a ON a.id = an.attempt_id"
        "  WHERE a.campaign_id = %s AND a.status = 'scored' AND an.organization_id = %s"
        "    AND i.type <> 'attitude'" + where + "), totals AS ("
        "  SELECT attempt_id, competency_id, sum(score) AS total, count(*) AS k"
        "  FROM ans WHERE track = '' GROUP BY 1, 2"
        ")"
    )
    args = [campaign.pk, scope.organization.pk, *params]
    respondents = _rows(
        "SELECT count(*) FROM assessments_attempt a"
        " WHERE a.campaign_id = %s AND a.status = 'scored'" + where,
        [campaign.pk, *params],
    )[0][0]
    if respondents < scope.threshold:
        return {"suppressed": True, "respondents": respondents, "items": [], "alpha": {}}
    items = _rows(
        base + " SELECT ans.item_id, count(*), avg(ans.score),"
        " corr(ans.score, t.total - ans.score)"
        " FROM ans JOIN totals t USING (attempt_id, competency_id) WHERE ans.track = ''"
        " GROUP BY 1",
        args,
    )
    track_specific = _rows(
        base + " SELECT ans.item_id, avg(ans.score) FROM ans WHERE ans.track <> '' GROUP BY 1",
        args,
    )
    alpha_rows = _rows(
        base + " , item_var AS (SELECT competency_id, item_id, var_samp(score) AS v FROM ans"
        "   WHERE track = '' GROUP BY 1, 2)"
        " SELECT iv.competency_id, count(*), sum(iv.v),"
        "   (SELECT var_samp(total) FROM totals t WHERE t.competency_id = iv.competency_id)"
        " FROM item_var iv GROUP BY 1",
        args,
    )
    from assessments.models import Item
    from assessments.statistics import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD

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
        flags = []
        if difficulty < TOO_HARD:
            flags.append("too hard")
        if difficulty > TOO_EASY:
            flags.append("too easy")
        if discrimination is not None and discrimination < LOW_DISCRIMINATION:
            flags.append("low discrimination")
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
