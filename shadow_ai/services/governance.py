"""Governance writes: sanction status, settings, self-declarations, integrator tokens.

Every change is audited in the same transaction (audit.services.audit_record).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services import api_token_create_scoped
from audit.services import audit_record
from shadow_ai.models import (
    CatalogueTool,
    Declaration,
    Frequency,
    ShadowSettings,
    TaskCategory,
    Tool,
    ToolSource,
    ToolStatus,
)
from tenancy.models import Membership, Organization, Role

PUSH_SCOPE = "shadow_ai.events.push"
SETTABLE_STATUSES = [s for s in ToolStatus.values if s != ToolStatus.UNREVIEWED]


@transaction.atomic
def tool_for_catalogue(*, organization: Organization, catalogue_tool: CatalogueTool) -> Tool:
    """The organisation's row for a catalogue tool, made when first needed (a POST)."""
    tool = Tool.objects.filter(catalogue_tool=catalogue_tool).first()
    if tool is None:
        name = catalogue_tool.name
        if Tool.objects.filter(name=name).exists():
            name = f"{name} ({catalogue_tool.vendor})"
        tool = Tool.objects.create(
            organization=organization,
            catalogue_tool=catalogue_tool,
            name=name,
            category=catalogue_tool.category,
            domains=list(catalogue_tool.domains),
            source=ToolSource.CATALOGUE,
        )
    return tool


@transaction.atomic
def tool_status_set(*, tool: Tool, actor, status: str, conditions: str = "") -> Tool:
    """Set a tool's sanction status. Unreviewed is where tools start, not a decision;
    approval with conditions must say which conditions."""
    conditions = (conditions or "").strip()
    if status not in SETTABLE_STATUSES:
        raise ValidationError(
            {
                "status": f"Unknown status {status!r}; choose one of: "
                + ", ".join(ToolStatus(s).label.lower() for s in SETTABLE_STATUSES)
                + "."
            }
        )
    if status == ToolStatus.APPROVED_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": "Say which conditions apply."})
    if len(conditions) > 2000:
        raise ValidationError({"conditions": "Keep the conditions under 2,000 characters."})
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    before = {"status": tool.status, "conditions": tool.conditions}
    tool.status = status
    tool.conditions = conditions if status == ToolStatus.APPROVED_WITH_CONDITIONS else ""
    tool.save(update_fields=["status", "conditions", "updated_at"])
    audit_record(
        organization=tool.organization,
        actor=actor,
        action="shadow_tool.status_changed",
        target=tool,
        before=before,
        after={"status": tool.status, "conditions": tool.conditions},
    )
    return tool


SETTINGS_FIELDS = ("leadership_estimate_pct", "keep_raw_prompts", "individual_views_allowed")


@transaction.atomic
def shadow_settings_update(*, organization: Organization, actor, **fields) -> ShadowSettings:
    unknown = set(fields) - set(SETTINGS_FIELDS) - {"retention_days"}
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    settings = ShadowSettings.objects.select_for_update().first() or ShadowSettings(
        organization=organization
    )
    before = {f: getattr(settings, f) for f in (*SETTINGS_FIELDS, "retention_days")}
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean(exclude=["organization"])
    settings.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="shadow_settings.updated",
        target=settings,
        before=before if settings.pk else None,
        after={f: getattr(settings, f) for f in (*SETTINGS_FIELDS, "retention_days")},
    )
    return settings


@transaction.atomic
def declaration_save(
    *,
    membership: Membership,
    tool_name: str,
    tool: Tool | None = None,
    tasks: list[str],
    frequency: str,
    pays_personally: bool,
    monthly_personal_cost: Decimal | str | None = None,
    declaration: Declaration | None = None,
) -> Declaration:
    """An employee's own declaration (new, or their own one changed). Validated; the audit
    log records that a declaration was made, not what it says."""
    errors = {}
    tool_name = tool.name if tool is not None else (tool_name or "").strip()
    if not tool_name:
        errors["tool_name"] = "Name the tool."
    elif len(tool_name) > 200:
        errors["tool_name"] = "Keep the tool's name under 200 characters."
    bad_tasks = [t for t in tasks if t not in TaskCategory.values]
    if bad_tasks:
        errors["tasks"] = f"Unknown tasks: {', '.join(bad_tasks)}."
    if frequency not in Frequency.values:
        errors["frequency"] = "Say how often: daily, weekly, monthly or rarely."
    cost = None
    if pays_personally:
        try:
            cost = (
                Decimal(str(monthly_personal_cost))
                if monthly_personal_cost not in (None, "")
                else None
            )
        except InvalidOperation:
            errors["monthly_personal_cost"] = "Give the monthly cost as a number, e.g. 20.00."
        else:
            if cost is not None and not Decimal(0) <= cost <= Decimal(10000):
                errors["monthly_personal_cost"] = "Give a monthly cost from 0 to 10,000."
    if declaration is not None and declaration.membership_id != membership.pk:
        errors["declaration"] = "You can change only your own declarations."
    if errors:
        raise ValidationError(errors)
    if tool is None:
        tool = Tool.objects.filter(name__iexact=tool_name).first()
    values = dict(
        tool=tool,
        tool_name=tool_name,
        tasks=sorted(set(tasks)),
        frequency=frequency,
        pays_personally=pays_personally,
        monthly_personal_cost=cost.quantize(Decimal("0.01")) if cost is not None else None,
    )
    if declaration is None:
        declaration = Declaration(
            organization=membership.organization, membership=membership, **values
        )
    else:
        for name, value in values.items():
            setattr(declaration, name, value)
    declaration.save()
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="shadow_declaration.saved",
        target=declaration,
    )
    return declaration


@transaction.atomic
def declaration_delete(*, declaration: Declaration, membership: Membership) -> None:
    if declaration.membership_id != membership.pk:
        raise ValidationError("You can delete only your own declarations.")
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="shadow_declaration.deleted",
        target=declaration,
    )
    declaration.delete()


@transaction.atomic
def integrator_token_create(*, organization: Organization, actor, membership, name: str) -> str:
    """A token for a log shipper: it can push events to this organisation and nothing
    else (accounts.permissions.TokenScope). It acts as the admin who made it, so it stops
    working when they stop being an admin here. Returns the key, shown once."""
    name = (name or "").strip()
    if membership.role != Role.ADMIN:
        raise ValidationError("Only an admin can create an integrator token.")
    if not name:
        raise ValidationError({"name": "Name the integration, e.g. 'Zscaler NSS feed'."})
    key = api_token_create_scoped(
        user=actor, scope=PUSH_SCOPE, organization_id=organization.pk, name=name
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="integrator_token.created",
        target_type="accounts.ApiToken",
        after={"name": name, "scope": PUSH_SCOPE, "prefix": key[:8]},
    )
    return key


@transaction.atomic
def integrator_token_revoke(*, organization: Organization, actor, token_id: int) -> None:
    from accounts.models import ApiToken

    token = ApiToken.objects.filter(
        pk=token_id, scope=PUSH_SCOPE, organization_id=organization.pk
    ).first()
    if token is None:
        raise ValidationError("No such integrator token.")
    audit_record(
        organization=organization,
        actor=actor,
        action="integrator_token.revoked",
        target_type="accounts.ApiToken",
        before={"name": token.name, "prefix": token.prefix},
    )
    token.delete()
