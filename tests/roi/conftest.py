import pytest

from roi.models import Metric, Stage, UseCase
from tenancy.context import org_context


def make_use_case(org, title="Ticket triage", stage=Stage.PROPOSED, **fields) -> UseCase:
    with org_context(org):
        return UseCase.objects.create(
            organization=org, title=title, problem="Slow", stage=stage, **fields
        )


@pytest.fixture
def pilot(cast):
    """An Acme pilot with one graduation criterion: handling time 10 minutes or less."""
    use_case = make_use_case(cast.org_a, stage=Stage.PILOT)
    with org_context(cast.org_a):
        use_case.metric = Metric.objects.create(
            organization=cast.org_a,
            use_case=use_case,
            tier=2,
            name="Handling time",
            unit="minutes",
            direction="lower",
            baseline=20,
            target=8,
            graduation_threshold=10,
        )
    return use_case
