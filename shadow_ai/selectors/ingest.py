"""Reads for the ingestion pages."""

from django.db.models import Count, QuerySet, Sum

from shadow_ai.models import DailyRollup, IdentityAlias, RejectedRow, Upload
from tenancy.models import Membership

REJECTED_SHOWN = 200


def uploads() -> QuerySet[Upload]:
    return Upload.objects.select_related("source").order_by("-created_at", "-pk")


def upload_rejected(upload: Upload, *, limit: int = REJECTED_SHOWN) -> list[RejectedRow]:
    return list(RejectedRow.objects.filter(upload=upload).order_by("line_no", "pk")[:limit])


def unmatched_identities(*, limit: int = 500) -> list[IdentityAlias]:
    """Identities seen in the logs and not yet mapped to a member, busiest first (their
    events from the rollups)."""
    events = dict(
        DailyRollup.objects.filter(membership__isnull=True)
        .values("identity_id")
        .annotate(n=Sum("events"))
        .values_list("identity_id", "n")
    )
    aliases = list(IdentityAlias.objects.filter(membership__isnull=True))
    for alias in aliases:
        alias.events = events.get(alias.pk, 0)
    aliases.sort(key=lambda a: (-a.events, a.kind, a.value))
    return aliases[:limit]


def mapped_count() -> int:
    return IdentityAlias.objects.filter(membership__isnull=False).count()


def members_for_mapping() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(is_active=True)
        .select_related("user", "department")
        .order_by("user__email")
    )


def unmatched_count() -> int:
    return IdentityAlias.objects.filter(membership__isnull=True).aggregate(n=Count("pk"))["n"]
