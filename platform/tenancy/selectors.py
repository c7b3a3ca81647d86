"""Reads for tenancy. Each runs in the organisation's context unless it says otherwise."""

from django.db.models import Count, Q, QuerySet

from tenancy.context import user_context
from tenancy.models import Department, Invitation, Membership

MEMBER_SORTS = {
    "email": "user__email",
    "-email": "-user__email",
    "name": "user__full_name",
    "-name": "-user__full_name",
    "role": "role",
    "-role": "-role",
    "department": "department__name",
    "-department": "-department__name",
    "joined": "created_at",
    "-joined": "-created_at",
}


def member_list(
    *, search: str = "", role: str = "", department_id: int | None = None, sort: str = "email"
) -> QuerySet[Membership]:
    members = Membership.objects.select_related("user", "department")
    if search:
        members = members.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    if role:
        members = members.filter(role=role)
    if department_id:
        members = members.filter(department_id=department_id)
    return members.order_by(MEMBER_SORTS.get(sort, "user__email"), "pk")


def department_list() -> QuerySet[Department]:
    return Department.objects.annotate(
        headcount=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def invitation_list() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("department", "invited_by").order_by("-created_at")


def memberships_for_user(user) -> list[dict]:
    """Every organisation the user belongs to, for the switcher. Works in any context:
    row-level security lets a user read their own memberships across organisations."""
    if not user.is_authenticated:
        return []
    with user_context(user.pk):
        rows = (
            Membership.unscoped.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )
        return [
            {
                "slug": m.organization.slug,
                "name": m.organization.name,
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in rows
        ]


def role_counts() -> dict[str, int]:
    counts = Membership.objects.filter(is_active=True).values("role").annotate(n=Count("id"))
    return {row["role"]: row["n"] for row in counts}


def managed_departments(membership: Membership) -> QuerySet[Department]:
    return department_list().filter(managers=membership)
