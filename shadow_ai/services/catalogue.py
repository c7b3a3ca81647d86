"""Import the shipped catalogue (shadow_ai/catalogue/tools.json) into CatalogueTool, the one
global table. Idempotent: entries are updated in place by key; entries gone from the file
are kept (organisations' Tool rows point at them) but no longer matched."""

from pathlib import Path

from django.db import transaction

from shadow_ai.catalogue import load_catalogue
from shadow_ai.models import CatalogueTool


@transaction.atomic
def catalogue_import(*, path: Path | None = None) -> tuple[int, int]:
    """(created, updated) CatalogueTool rows from the catalogue file."""
    entries = load_catalogue(path)
    existing = {tool.key: tool for tool in CatalogueTool.objects.all()}
    created = updated = 0
    for entry in entries:
        values = {
            "name": entry.name,
            "vendor": entry.vendor,
            "category": entry.category,
            "domains": list(entry.domains),
            "trains_on_user_data": entry.trains_on_user_data,
            "retention": entry.retention,
            "retention_days": entry.retention_days,
            "enterprise_plan": entry.enterprise_plan,
            "sso": entry.sso,
            "soc2": entry.soc2,
            "iso27001": entry.iso27001,
            "data_residency": list(entry.data_residency),
            "price_per_seat_month": entry.price_per_seat_month,
            "notes": entry.notes,
            "sources": list(entry.sources),
        }
        tool = existing.get(entry.key)
        if tool is None:
            CatalogueTool.objects.create(key=entry.key, **values)
            created += 1
        elif any(getattr(tool, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(tool, name, value)
            tool.save()
            updated += 1
    return created, updated
