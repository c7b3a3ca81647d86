from django.core.exceptions import ValidationError
from django.db import transaction

from tenancy.audit_log import audit_record
from tenancy.context import org_context
from tenancy.models import Department, Organization

POLICY_FIELDS = [
    "name",
    "anonymity_threshold",
    "min_fluency_level",
    "currency",
    "fiscal_year_start_month",
    "model_confidence_threshold",
]


def _snapshot(organization: Organization) -> dict:
    return {field: getattr(organization, field) for field in POLICY_FIELDS}


@transaction.atomic
def organization_update_policy(*, organization: Organization, actor, **changes) -> Organization:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"Not policy fields: {sorted(unknown)}")
    before = _snapshot(organization)
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean()
    organization.save(update_fields=list(changes))
    with org_context(organization):
        audit_record(
            organization=organization,
            actor=actor,
            action="organization.policy_updated",
            target=organization,
            before=before,
            after=_snapshot(organization),
        )
    return organization


@transaction.atomic
def department_create(*, organization: Organization, actor, name: str) -> Department:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the department a name."})
    with org_context(organization):
        if Department.objects.filter(name__iexact=name).exists():
            raise ValidationError(
                {"name": ValidationError(f"A department named {name!r} already exists.", "unique")}
            )
        department = Department.objects.create(organization=organization, name=name)
        audit_record(
            organization=organization,
            actor=actor,
            action="department.created",
            target=department,
            after={"name": name},
        )
    return department


@transaction.atomic
def department_rename(*, department: Department, actor, name: str) -> Department:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the department a name."})
    clash = Department.objects.filter(name__iexact=name).exclude(pk=department.pk).exists()
    if clash:
        raise ValidationError(
            {"name": ValidationError(f"A department named {name!r} already exists.", "unique")}
        )
    before = {"name": department.name}
    department.name = name
    department.save(update_fields=["name"])
    audit_record(
        organization=department.organization,
        actor=actor,
        action="department.renamed",
        target=department,
        before=before,
        after={"name": name},
    )
    return department
