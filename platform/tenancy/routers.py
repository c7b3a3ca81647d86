"""Which database role a query runs as.

- Inside `system_context()` every query goes to the `system` alias, whose role has
  BYPASSRLS: the one way to read across organisations, and an explicit one.
- Everything else uses `default`, the runtime role that row-level security binds.
- Migrations run only on the `owner` alias (settings.MIGRATION_DATABASE): the runtime role
  owns no table, so it can neither alter one nor switch its row-level security off.
"""

from django.conf import settings

from tenancy.context import SYSTEM_ALIAS, in_system_context


class RoleRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return SYSTEM_ALIAS if in_system_context() else None

    def db_for_write(self, model, **hints) -> str | None:
        return SYSTEM_ALIAS if in_system_context() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The aliases are roles on one database, so rows may always refer to each other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == settings.MIGRATION_DATABASE
