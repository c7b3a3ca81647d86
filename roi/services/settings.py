"""Writes to the organisation's ROI settings and prioritisation criteria."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from audit.services import audit_record
from roi.models import Criterion, RoiSettings
from roi.selectors.settings import default_criteria


def criteria_ensure(*, organization) -> list[Criterion]:
    """Save the default criteria the first time an organisation scores or sets weights."""
    if not Criterion.objects.exists():
        Criterion.objects.bulk_create(default_criteria(organization))
    return list(Criterion.objects.all())


@transaction.atomic
def weights_set(*, organization, actor, weights: dict[str, int]) -> list[Criterion]:
    """Set every criterion's weight (percent). They must sum to 100; nothing is saved otherwise."""
    criteria = criteria_ensure(organization=organization)
    errors = {}
    for criterion in criteria:
        value = weights.get(criterion.key)
        if value is None or not 0 <= value <= 100:
            errors[f"weight_{criterion.key}"] = f"Give {criterion.name} a weight from 0 to 100."
    if errors:
        raise ValidationError(errors)
    total = sum(weights[c.key] for c in criteria)
    if total != 100:
        raise ValidationError(f"The weights add up to {total}%; they must add up to 100%.")
    before = {c.key: c.weight for c in criteria}
    for criterion in criteria:
        criterion.weight = weights[criterion.key]
    Criterion.objects.bulk_update(criteria, ["weight"])
    audit_record(
        organization=organization,
        actor=actor,
        action="roi.weights_set",
        target_type="roi.Criterion",
        before=before,
        after={c.key: c.weight for c in criteria},
    )
    return criteria


@transaction.atomic
def criterion_add(*, organization, actor, name: str, axis: str, inverse: bool) -> Criterion:
    """A new criterion starts at weight 0, so the weights still sum to 100."""
    criteria = criteria_ensure(organization=organization)
    name = name.strip()
    key = slugify(name).replace("-", "_")[:40]
    if not key:
        raise ValidationError({"name": "Give the criterion a name with letters or digits."})
    if any(c.key == key for c in criteria):
        raise ValidationError(
            {"name": f"There is already a criterion called {name}."}, code="unique"
        )
    if axis not in {"impact", "feasibility"}:
        raise ValidationError({"axis": "Choose impact or feasibility."})
    criterion = Criterion.objects.create(
        organization=organization,
        key=key,
        name=name,
        axis=axis,
        inverse=inverse,
        weight=0,
        position=len(criteria),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="roi.criterion_added",
        target=criterion,
        after={"key": key, "axis": axis, "inverse": inverse},
    )
    return criterion


PRICE_FIELDS = [
    "discount_rate",
    "slm_unit_price",
    "llm_unit_price",
    "human_unit_price",
    "route_slm_percent",
    "route_llm_percent",
    "route_human_percent",
    "loaded_hourly_cost",
]


@transaction.atomic
def roi_settings_update(*, organization, actor, **values) -> RoiSettings:
    settings, _ = RoiSettings.objects.get_or_create(organization=organization)
    before = {f: str(getattr(settings, f)) for f in PRICE_FIELDS}
    for field, value in values.items():
        if field not in PRICE_FIELDS:
            raise ValidationError(f"Unknown setting {field}.")
        if value is None or Decimal(value) < 0:
            raise ValidationError({field: "Give a number of zero or more."})
        setattr(settings, field, value)
    route = settings.route_slm_percent + settings.route_llm_percent + settings.route_human_percent
    if route != 100:
        raise ValidationError(f"The routing shares add up to {route}%; they must add up to 100%.")
    settings.full_clean()
    settings.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="roi.settings_updated",
        target=None,
        target_type="roi.RoiSettings",
        before=before,
        after={f: str(getattr(settings, f)) for f in PRICE_FIELDS},
    )
    return settings
