"""The demo use cases: every stage, real numbers, one failing pilot, one rejection."""

from django.urls import reverse

from roi.demo import FAILING_PILOT, REJECTION, seed_demo_roi
from roi.models import Stage, StageChange, UseCase
from roi.selectors.returns import portfolio, use_case_returns
from roi.selectors.use_cases import graduation
from tenancy.context import org_context
from tenancy.seeding import DemoSeed


def test_demo_use_cases_cover_every_stage_and_pages_show_real_numbers(cast, client_for):
    seed = DemoSeed(organizations={"acme": cast.org_a}, model_calls=False)
    seed_demo_roi(seed)
    seed_demo_roi(seed)  # idempotent
    with org_context(cast.org_a):
        use_cases = list(UseCase.objects.all())
        assert len(use_cases) == 25
        assert {u.stage for u in use_cases} == set(Stage.values)
        failing = UseCase.objects.get(title=FAILING_PILOT)
        assert failing.stage == Stage.PILOT and not graduation(failing).met
        assert all(graduation(u).met for u in use_cases if u.stage == Stage.PILOT and u != failing)
        rejected = StageChange.objects.get(to_stage=Stage.REJECTED)
        assert rejected.reason == REJECTION
        paybacks = [
            use_case_returns(u).summary.payback_month
            for u in use_cases
            if u.stage == Stage.PRODUCTION
        ]
        assert any(p for p in paybacks) and any(p is None for p in paybacks)
        data = portfolio(cast.org_a)
        assert data.total.summary.invested > 0 and data.total.summary.value > 0
        assert data.piloted == 11 and data.reached_production == 8
        assert data.tier3_share == 1
        production = UseCase.objects.filter(stage=Stage.PRODUCTION).first()
    slug = cast.org_a.slug
    for name, kwargs in [
        ("roi:use_case_detail", {"pk": production.pk}),
        ("roi:priorities", {}),
        ("roi:portfolio", {}),
        ("core:executive_home", {}),
    ]:
        response = client_for(cast.erin).get(reverse(name, kwargs={"org_slug": slug, **kwargs}))
        assert response.status_code == 200, name
    page = (
        client_for(cast.erin)
        .get(reverse("core:executive_home", kwargs={"org_slug": slug}))
        .content.decode()
    )
    assert "Pilot to production" in page and "73%" in page  # 8 of 11 piloted
