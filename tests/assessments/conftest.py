from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from assessments.models import Campaign
from assessments.services.frameworks import framework_install
from tenancy.context import org_context

MINI = Path(__file__).with_name("mini_framework.json")


@pytest.fixture
def mini(cast):
    """The mini framework in both organisations, an open campaign in Acme and one in Globex."""
    now = timezone.now()
    with org_context(cast.org_b):
        other = framework_install(organization=cast.org_b, path=MINI)
        cast.b_campaign = Campaign.objects.create(
            organization=cast.org_b,
            name="Globex open",
            version=other,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
        )
    with org_context(cast.org_a):
        version = framework_install(organization=cast.org_a, path=MINI)
        cast.campaign = Campaign.objects.create(
            organization=cast.org_a,
            name="Open",
            version=version,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
        )
        cast.closed = Campaign.objects.create(
            organization=cast.org_a,
            name="Closed",
            version=version,
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
        )
        cast.version = version
    return cast
