"""Issue 8 item 8: the demo data shows real differences and does not look perfect."""

from statistics import fmean

from django.core.management import call_command

from assessments.models import Attempt, Campaign, CompetencyScore
from assessments.services.analytics import item_statistics_refresh
from tenancy.context import org_context
from tenancy.models import Organization


def one_way_f(groups: list[list[float]]) -> float:
    values = [v for g in groups for v in g]
    grand = fmean(values)
    between = sum(len(g) * (fmean(g) - grand) ** 2 for g in groups) / (len(groups) - 1)
    within = sum((v - fmean(g)) ** 2 for g in groups for v in g) / (len(values) - len(groups))
    return between / within


def test_demo_results_differ_by_department_plans_vary_and_weak_items_are_flagged(db):
    call_command("seed_demo", employees=150)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        campaign = Campaign.objects.get(name="AI fluency baseline (Q1)")
        by_department: dict[str, list[float]] = {}
        for score in CompetencyScore.objects.filter(attempt__campaign=campaign).select_related(
            "attempt__department"
        ):
            department = score.attempt.department
            by_department.setdefault(department.name if department else "", []).append(score.score)
        means = [fmean(v) for k, v in by_department.items() if k and len(v) >= 20]
        assert len(means) >= 4
        # Department effects are real, not sampling noise: a one-way analysis of variance
        # of people's overall scores by department gives F well above 1 (F is about 1 when
        # departments differ by chance only).
        groups: dict[int, list[float]] = {}
        for attempt in Attempt.objects.filter(campaign=campaign, department__isnull=False):
            groups.setdefault(attempt.department_id, []).append(attempt.overall_score)
        f = one_way_f(list(groups.values()))
        assert f > 5, f
        # Learning plans (the weakest competency) vary from person to person.
        weakest = set()
        for attempt in Attempt.objects.filter(campaign=campaign)[:80]:
            scores = list(CompetencyScore.objects.filter(attempt=attempt))
            weakest.add(min(scores, key=lambda s: s.score).competency_id)
        assert len(weakest) >= 3
        # A few genuinely weak items, which item statistics flag.
        data = item_statistics_refresh(organization=acme, campaign=campaign)
        flagged = [i for i in data["items"] if "low discrimination" in i["flags"]]
        assert 1 <= len(flagged) < len(data["items"]) // 3, [i["key"] for i in flagged]
        assert any("too hard" in i["flags"] for i in data["items"])
