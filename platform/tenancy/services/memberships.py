from django.core.exceptions import ValidationError
from django.db import transaction

from tenancy.audit_log import audit_record
from tenancy.models import Department, ManagedDepartment, Membership, Role


def membership_snapshot(membership: Membership) -> dict:
    return {
        "role": membership.role,
        "department": membership.department.name if membership.department_id else None,
        "job_track": membership.job_track,
        "is_active": membership.is_active,
        "managed_departments": sorted(d.name for d in membership.managed_departments.all()),
    }


def _ensure_an_admin_remains(membership: Membership, *, role: str, is_active: bool) -> None:
    losing_admin = membership.role == Role.ADMIN and (role != Role.ADMIN or not is_active)
    if not losing_admin:
        return
    others = (
        Membership.objects.filter(role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError({"role": "The organisation must keep at least one active admin."})


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor,
    role: str,
    department: Department | None,
    job_track: str,
    is_active: bool,
    managed_departments: list[Department],
) -> Membership:
    """Change a member's role, department, job track, status and managed departments.

    Runs inside the organisation's context; every department must belong to it.
    """
    org_id = membership.organization_id
    for dept in [department, *managed_departments]:
        if dept is not None and dept.organization_id != org_id:
            raise ValidationError({"department": "Unknown department."})
    _ensure_an_admin_remains(membership, role=role, is_active=is_active)
    before = membership_snapshot(membership)
    membership.role = role
    membership.department = department
    membership.job_track = job_track
    membership.is_active = is_active
    membership.full_clean(exclude=["organization", "user"])
    membership.save()
    ManagedDepartment.objects.filter(membership=membership).exclude(
        department__in=managed_departments
    ).delete()
    existing = set(
        ManagedDepartment.objects.filter(membership=membership).values_list(
            "department_id", flat=True
        )
    )
    ManagedDepartment.objects.bulk_create(
        [
            ManagedDepartment(organization_id=org_id, membership=membership, department=d)
            for d in managed_departments
            if d.pk not in existing
        ]
    )
    after = membership_snapshot(membership)
    if after != before:
        audit_record(
            organization=membership.organization,
            actor=actor,
            action="membership.updated",
            target=membership,
            before=before,
            after=after,
        )
    return membership
