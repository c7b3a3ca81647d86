"""Campaigns: who is asked, when, and how far they have got."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from assessments.models import Attempt, Campaign, CampaignDepartment, FrameworkVersion
from audit.services import audit_record
from tenancy.models import Department, JobTrack, Membership, Organization


@transaction.atomic
def campaign_create(
    *,
    organization: Organization,
    actor,
    name: str,
    version: FrameworkVersion,
    opens_at: datetime,
    closes_at: datetime,
    departments: list[Department] = (),
    job_tracks: list[str] = (),
    anonymous: bool = False,
    reminder_every_days: int = 7,
    retakes: str = Campaign.Retakes.NONE,
    retake_after_days: int = 30,
) -> Campaign:
    errors = {}
    if retakes not in Campaign.Retakes.values:
        errors["retakes"] = f"Unknown retake policy {retakes!r}."
    if not 1 <= retake_after_days <= 365:
        errors["retake_after_days"] = "Retakes open between 1 and 365 days after submitting."
    if not name.strip():
        errors["name"] = "Give the campaign a name."
    if closes_at <= opens_at:
        errors["closes_at"] = "The campaign must close after it opens."
    if version.status != FrameworkVersion.Status.PUBLISHED:
        errors["version"] = "Only a published framework version can be used."
    unknown = [t for t in job_tracks if t not in JobTrack.values]
    if unknown:
        errors["job_tracks"] = f"Unknown job tracks: {unknown}"
    if any(d.organization_id != organization.pk for d in departments):
        errors["departments"] = "Unknown department."
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        organization=organization,
        name=name.strip(),
        version=version,
        opens_at=opens_at,
        closes_at=closes_at,
        job_tracks=list(job_tracks),
        anonymous=anonymous,
        reminder_every_days=reminder_every_days,
        retakes=retakes,
        retake_after_days=retake_after_days,
        created_by=actor,
    )
    CampaignDepartment.objects.bulk_create(
        [
            CampaignDepartment(organization=organization, campaign=campaign, department=d)
            for d in departments
        ]
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="campaign.created",
        target=campaign,
        after={
            "name": campaign.name,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "version": version.number,
        },
    )
    return campaign


def eligible_members(campaign: Campaign):
    members = Membership.objects.filter(is_active=True)
    department_ids = list(campaign.departments.values_list("pk", flat=True))
    if department_ids:
        members = members.filter(department_id__in=department_ids)
    if campaign.job_tracks:
        members = members.filter(job_track__in=campaign.job_tracks)
    return members


def completion(campaign: Campaign) -> dict:
    """Live completion for admins: eligible people, started, submitted."""
    eligible = eligible_members(campaign).count()
    # People, not attempts: a retake is the same person.
    counts = Attempt.objects.filter(campaign=campaign).aggregate(
        started=Count("membership", distinct=True),
        submitted=Count("membership", distinct=True, filter=~Q(status=Attempt.Status.IN_PROGRESS)),
    )
    rate = counts["submitted"] / eligible if eligible else 0.0
    return {"eligible": eligible, **counts, "rate": rate}


def members_to_remind(campaign: Campaign):
    """Eligible people who have not submitted yet."""
    done = (
        Attempt.objects.filter(campaign=campaign)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .values("membership_id")
    )
    return eligible_members(campaign).exclude(pk__in=done).select_related("user")


def send_due_reminders() -> int:
    """Email everyone who still has an open campaign to finish, every `reminder_every_days`
    days after it opened. Runs daily from the scheduler, across organisations."""
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.urls import reverse
    from django.utils import timezone

    from tenancy.context import org_context
    from tenancy.models import Organization

    now = timezone.now()
    messages = []
    # One organisation at a time, each in its own context: nothing here needs a role that
    # sees across organisations.
    for organization in Organization.objects.all():
        with org_context(organization):
            for campaign in Campaign.objects.filter(opens_at__lte=now, closes_at__gt=now):
                days_open = (now - campaign.opens_at).days
                if days_open == 0 or days_open % campaign.reminder_every_days:
                    continue
                link = settings.SITE_URL.rstrip("/") + reverse(
                    "assessments:take",
                    kwargs={"org_slug": organization.slug, "campaign_id": campaign.pk},
                )
                messages += [
                    (
                        f"Reminder: {campaign.name}",
                        f"Your AI-fluency assessment '{campaign.name}' closes on "
                        f"{campaign.closes_at:%Y-%m-%d}. Your answers are saved as you go: {link}",
                        None,
                        [membership.user.email],
                    )
                    for membership in members_to_remind(campaign)
                ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
