"""PostgreSQL row-level security on every tenant table (the third wall), and the grants
that let the runtime and system roles use tables they do not own.

After every `migrate` (run as the owner role), each concrete subclass of TenantModel gets
the same policy, so a new module's tables cannot be forgotten. A query that forgets its
organisation filter sees only the organisation in context (or nothing at all), never
another tenant's rows. Tables are FORCEd so that even the owner is bound. The runtime role
owns nothing, so it can neither drop a policy nor disable row-level security; only the
system role (BYPASSRLS) sees across organisations, and only system_context() uses it.
"""

from django.apps import apps
from django.conf import settings
from django.db import connections

from tenancy.models import TenantModel

ORG_MATCH = "organization_id = NULLIF(current_setting('app.org_id', true), '')::bigint"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tenant_models() -> list[type[TenantModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.abstract
    ]


def policy_statements(model: type[TenantModel]) -> list[str]:
    table = quote(model._meta.db_table)
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
        f"CREATE POLICY tenant_isolation ON {table} USING ({ORG_MATCH}) WITH CHECK ({ORG_MATCH})",
        f"DROP POLICY IF EXISTS owner_read ON {table}",
    ]
    if model.rls_owner_column:
        column = quote(model.rls_owner_column)
        statements.append(
            f"CREATE POLICY owner_read ON {table} FOR SELECT USING "
            f"({column} = NULLIF(current_setting('app.user_id', true), '')::bigint)"
        )
    return statements


def grant_statements() -> list[str]:
    """What the runtime and system roles may do: read and write rows, nothing more (no
    TRUNCATE, no DDL). They only read the migration history."""
    roles = {
        settings.DATABASES[alias]["USER"]
        for alias in ("default", "system")
        if settings.DATABASES[alias]["USER"] != settings.DATABASES["owner"]["USER"]
    }
    statements = []
    for role in sorted(roles):
        role = quote(role)
        statements += [
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        ]
    return statements


# Autovacuum analyses a table once 50 rows + 10% of it have changed. One organisation is a
# small share of a shared table, so a new organisation's rows could stay out of the
# statistics for a long time: the planner then takes it for a handful of rows and picks
# nested loops that cost quadratic time (the demo's fluency section on a database holding a
# 10,000-member organisation: 393 ms, 28 ms once analysed; one query 510 ms under row-level
# security: 2,220 new rows in a table of 122,000). 500 rows + 0.5% brings such an
# organisation into the statistics at the next autovacuum round (autovacuum_naptime, 1 min).
ANALYZE_AFTER = "autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.005"


def statistics_statement(table: str) -> str:
    return f"ALTER TABLE {quote(table)} SET ({ANALYZE_AFTER})"


def apply_policies(using: str = "owner", **kwargs) -> None:
    """post_migrate handler, on the alias that migrated (the owner); idempotent."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        # Partitioned parents take no storage parameters (their partitions are analysed).
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'p'")
        partitioned = {name for (name,) in cursor.fetchall()}
        for model in tenant_models():
            if model._meta.db_table not in existing:
                continue
            for statement in policy_statements(model):
                cursor.execute(statement)
            if model._meta.db_table not in partitioned:
                cursor.execute(statistics_statement(model._meta.db_table))
        for statement in grant_statements():
            cursor.execute(statement)
