"""PostgreSQL row-level security on every tenant table: the third wall.

After every `migrate`, each concrete subclass of TenantModel gets the same policy, so a
new module's tables cannot be forgotten. A query that forgets its organisation filter then
sees only the organisation in context (or nothing at all), never another tenant's rows.
Tables are FORCEd so the owning role is bound too; only a superuser or a BYPASSRLS role
escapes, which is why the application connects as neither (see tenancy.checks).
"""

from django.apps import apps
from django.db import connection

from tenancy.models import TenantModel

ORG_MATCH = "organization_id = NULLIF(current_setting('app.org_id', true), '')::bigint"
BYPASS = "current_setting('app.bypass_rls', true) = 'on'"


def tenant_models() -> list[type[TenantModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.abstract
    ]


def policy_statements(model: type[TenantModel]) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
        f"CREATE POLICY tenant_isolation ON {table} USING ({BYPASS} OR {ORG_MATCH})"
        f" WITH CHECK ({BYPASS} OR {ORG_MATCH})",
        f"DROP POLICY IF EXISTS owner_read ON {table}",
    ]
    if model.rls_owner_column:
        column = connection.ops.quote_name(model.rls_owner_column)
        statements.append(
            f"CREATE POLICY owner_read ON {table} FOR SELECT USING "
            f"({column} = NULLIF(current_setting('app.user_id', true), '')::bigint)"
        )
    return statements


def apply_policies(**kwargs) -> None:
    """post_migrate handler; idempotent."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in tenant_models():
            if model._meta.db_table not in existing:
                continue
            for statement in policy_statements(model):
                cursor.execute(statement)
