"""Section providers, registered by the modules above (reports names none of them).

    register_section(key="shadow_ai", title="Shadow AI", order=30, provider=shadow_ai.facts.section)

A provider is `provider(*, org, period, department_id) -> Section`. It reads inside the
organisation's context (the caller enters it) and sends every figure about people through
privacy.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reports.types import Period, Section

Provider = Callable[..., Section]


@dataclass(frozen=True)
class Registered:
    key: str
    title: str
    order: int
    provider: Provider


_SECTIONS: dict[str, Registered] = {}


def register_section(*, key: str, title: str, order: int, provider: Provider) -> None:
    """Registering the same key again replaces the provider (AppConfig.ready may run twice)."""
    _SECTIONS[key] = Registered(key, title, order, provider)


def sections() -> list[Registered]:
    return sorted(_SECTIONS.values(), key=lambda r: (r.order, r.key))


def build(registered: Registered, *, org, period: Period, department_id: int | None) -> Section:
    section = registered.provider(org=org, period=period, department_id=department_id)
    section.key, section.title = registered.key, section.title or registered.title
    return section
