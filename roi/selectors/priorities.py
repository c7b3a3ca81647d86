"""The ranked list and the matrix data."""

from django.urls import reverse

from roi.models import Score, Stage, UseCase
from roi.prioritisation import CriterionSpec, rank
from roi.selectors.settings import criteria

RANKED_STAGES = [s for s in Stage.values if s not in {Stage.REJECTED, Stage.RETIRED}]


def specs(organization) -> list[CriterionSpec]:
    return [
        CriterionSpec(c.key, c.name, float(c.weight), c.axis, c.inverse)
        for c in criteria(organization)
    ]


def ranking(organization, specs_override=None) -> dict:
    specs_used = specs_override or specs(organization)
    use_cases = list(
        UseCase.objects.filter(stage__in=RANKED_STAGES).values(
            "pk", "title", "stage", "estimated_annual_value"
        )
    )
    scores: dict[int, dict[str, int]] = {uc["pk"]: {} for uc in use_cases}
    for use_case_id, key, value in Score.objects.filter(use_case_id__in=scores).values_list(
        "use_case_id", "criterion__key", "value"
    ):
        scores[use_case_id][key] = value
    items = [
        {
            "id": uc["pk"],
            "title": uc["title"],
            "stage": uc["stage"],
            "stage_label": Stage(uc["stage"]).label,
            "value": float(uc["estimated_annual_value"]),
            "url": reverse(
                "roi:use_case_detail", kwargs={"org_slug": organization.slug, "pk": uc["pk"]}
            ),
            "scores": scores[uc["pk"]],
        }
        for uc in use_cases
    ]
    return {
        "criteria": [s.__dict__ for s in specs_used],
        "ranked": rank(specs_used, items),
    }
