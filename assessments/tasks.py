from celery import shared_task

from assessments.services.attempts import SCORE_FREE_TEXT_TASK
from assessments.services.free_text_scoring import answer_score_free_text


@shared_task(
    name=SCORE_FREE_TEXT_TASK,
    acks_late=True,
    max_retries=3,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
)
def score_free_text_task(org_id: int, answer_id: int) -> str:
    return answer_score_free_text(org_id=org_id, answer_id=answer_id)


@shared_task(name="assessments.send_reminders")
def send_reminders_task() -> int:
    """Daily: remind eligible people who have not submitted, on each open campaign's
    reminder days."""
    from assessments.services.campaigns import send_due_reminders

    return send_due_reminders()


@shared_task(name="assessments.refresh_item_statistics")
def refresh_item_statistics_task(org_id: int, campaign_id: int) -> int:
    """Recompute a campaign's item statistics (organisation-wide) into the cache; returns
    the number of items reported."""
    from assessments.models import Campaign
    from assessments.services.analytics import item_statistics_refresh
    from tenancy.context import org_context
    from tenancy.models import Organization

    organization = Organization.objects.get(pk=org_id)
    with org_context(organization):
        campaign = Campaign.objects.get(pk=campaign_id)
        data = item_statistics_refresh(organization=organization, campaign=campaign)
        return len(data["items"])


@shared_task(name="assessments.requeue_lost_scoring")
def requeue_lost_scoring_task() -> int:
    """Every few minutes: re-send free-text scoring that was lost (see services/sweep.py)."""
    from assessments.services.sweep import lost_scoring_requeue

    return lost_scoring_requeue()
