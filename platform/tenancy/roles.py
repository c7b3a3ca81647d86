"""Who may open what: role sets used by the base view and viewset."""

from tenancy.models import Role

ADMINS = frozenset({Role.ADMIN})
LEADERS = frozenset({Role.ADMIN, Role.EXECUTIVE})
MANAGERS = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.MANAGER})
EVERYONE = frozenset(Role.values)
