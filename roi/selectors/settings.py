"""The organisation's ROI settings and criteria, as saved or (before any save) the defaults."""

from roi.models import Criterion, RoiSettings

# key, name, weight, axis, inverse - the brief's defaults: ROI 30, feasibility 25, strategy 45.
DEFAULT_CRITERIA = [
    ("roi_potential", "ROI potential", 30, "impact", False),
    ("strategic_alignment", "Strategic alignment", 45, "impact", False),
    ("technical_feasibility", "Technical feasibility", 25, "feasibility", False),
    ("data_readiness", "Data readiness", 0, "feasibility", False),
    ("risk", "Risk (inverse)", 0, "feasibility", True),
    ("sponsorship", "Sponsorship", 0, "impact", False),
]


def roi_settings(organization) -> RoiSettings:
    # Read only: an organisation that never saved its settings gets an unsaved default row.
    return RoiSettings.objects.first() or RoiSettings(organization=organization)


def default_criteria(organization) -> list[Criterion]:
    """The default criteria as unsaved rows, in their order."""
    return [
        Criterion(
            organization=organization,
            key=key,
            name=name,
            weight=weight,
            axis=axis,
            inverse=inverse,
            position=i,
        )
        for i, (key, name, weight, axis, inverse) in enumerate(DEFAULT_CRITERIA)
    ]


def criteria(organization) -> list[Criterion]:
    return list(Criterion.objects.all()) or default_criteria(organization)
