"""Demo seeding, contributed by each module.

`core.demo.seed_demo` creates the demo organisations and their people, then runs every
seeder registered here. Each module registers its own in its AppConfig.ready, so the
modules below `core` never need `core`, and `core` names none of them. The registry lives
in tenancy because every module may import tenancy, and what it hands over is tenancy's:
the demo organisations.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tenancy.models import Organization


@dataclass(frozen=True)
class DemoSeed:
    organizations: dict[str, Organization]  # by slug: "acme", "globex"
    model_calls: bool  # queue real calls for the model worker (seed_demo --with-model-calls)


DemoSeeder = Callable[[DemoSeed], None]

_SEEDERS: dict[str, tuple[int, DemoSeeder]] = {}


def register_demo_seeder(name: str, seeder: DemoSeeder, *, order: int = 100) -> None:
    """Run `seeder` in every `seed_demo`, after the organisations and people exist. Seeders
    run by `order`, then name; each is idempotent and enters the organisation's context
    itself. Registering the same name again replaces the seeder."""
    _SEEDERS[name] = (order, seeder)


def demo_seeders() -> list[tuple[str, DemoSeeder]]:
    return [(name, seeder) for name, (_, seeder) in sorted(_SEEDERS.items(), key=_key)]


def _key(entry: tuple[str, tuple[int, DemoSeeder]]) -> tuple[int, str]:
    name, (order, _) = entry
    return order, name
