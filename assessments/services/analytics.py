"""Writes behind the analytics page: the item-statistics cache.

Not audited: the cache holds figures recomputed from results, it changes nothing anyone
decided. Enqueueing the refresh is left to the caller (the view, on commit), so this
module does not import the tasks that import it.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt, Campaign, ItemStatisticsCache
from assessments.selectors.analytics import Scope, item_statistics
from tenancy.models import Organization

REFRESH_AFTER = timedelta(seconds=300)  # between two refresh requests for one campaign


@transaction.atomic
def item_statistics_request_refresh(
    *, organization: Organization, campaign: Campaign, now: datetime | None = None
) -> bool:
    """Note that a refresh was asked for; False when one was asked for within
    REFRESH_AFTER, so a busy page queues one refresh, not one per view."""
    now = now or timezone.now()
    cache, _ = ItemStatisticsCache.objects.select_for_update().get_or_create(
        organization=organization, campaign=campaign
    )
    if cache.requested_at is not None and now - cache.requested_at <= REFRESH_AFTER:
        return False
    cache.requested_at = now
    cache.save(update_fields=["requested_at"])
    return True


@transaction.atomic
def item_statistics_refresh(*, organization: Organization, campaign: Campaign) -> dict:
    """Recompute a campaign's organisation-wide item statistics into the cache."""
    data = item_statistics(Scope(organization), campaign)
    scored = Attempt.objects.filter(campaign=campaign, status=Attempt.Status.SCORED).count()
    ItemStatisticsCache.objects.update_or_create(
        organization=organization,
        campaign=campaign,
        defaults={"data": data, "respondents": scored, "computed_at": timezone.now()},
    )
    return data
