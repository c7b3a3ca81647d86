"""System checks that keep the isolation walls standing."""

import re
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, models
from django.urls import URLPattern, URLResolver, get_resolver


def runtime_role_problems(alias: str = "default") -> list[str]:
    """Why the role behind `alias` could see past row-level security, if it could: it is a
    superuser, has BYPASSRLS, or owns a tenant table (an owner may disable RLS)."""
    from tenancy.rls import tenant_models

    tables = [model._meta.db_table for model in tenant_models()]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls, ARRAY(SELECT c.relname FROM pg_class c"
            " WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p') AND c.relname = ANY(%s)"
            " ORDER BY c.relname) FROM pg_roles r WHERE r.rolname = current_user",
            [tables],
        )
        name, is_super, bypass, owned = cursor.fetchone()
    problems = []
    if is_super:
        problems.append(f"the database role {name!r} is a superuser")
    if bypass:
        problems.append(f"the database role {name!r} has BYPASSRLS")
    if owned:
        problems.append(
            f"the database role {name!r} owns tenant tables ({', '.join(owned[:3])}"
            f"{', ...' if len(owned) > 3 else ''}), so it could disable row-level security"
        )
    return problems


def verify_runtime_role() -> None:
    """Refuse to start (web, workers) outside DEBUG when the runtime role is not bound by
    row-level security. Called from config/wsgi.py and the Celery start-up signals."""
    if settings.DEBUG:
        return
    problems = runtime_role_problems()
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start: "
            + "; ".join(problems)
            + ". Point DATABASE_URL at the runtime role (NOSUPERUSER NOBYPASSRLS, owning no "
            "table) and run migrations as the owner role (README, 'Configuration')."
        )


@checks.register(checks.Tags.security)
def check_database_role_is_bound_by_rls(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        problems = runtime_role_problems()
    except DatabaseError:
        return []  # database checks are readyz's job; nothing to say about RLS here
    level = checks.Warning if settings.DEBUG else checks.Error
    return [
        level(
            f"Row-level security does not bind the runtime role: {problem}.",
            hint="Point DATABASE_URL at the runtime role and run migrations as the owner "
            "(README, 'Configuration').",
            id="tenancy.W001" if settings.DEBUG else "tenancy.E003",
        )
        for problem in problems
    ]


# Every use of the unscoped manager outside tenancy/, migrations and management commands,
# with the reason it is safe. A new use fails the check tenancy.E004 until it is added here.
UNSCOPED_ALLOWED: dict[str, str] = {}

UNSCOPED_USE = re.compile(r"\.unscoped\b")


def unscoped_uses(root: Path) -> list[tuple[str, int]]:
    """(path, line) of every `.unscoped` in first-party code outside the allowed places."""
    uses = []
    for folder in FIRST_PARTY_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            parts = set(path.relative_to(root).parts)
            if "migrations" in parts or "management" in parts:
                continue
            if relative.startswith("platform/tenancy/"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if UNSCOPED_USE.search(line.split("#", 1)[0]):
                    uses.append((relative, number))
    return uses


FIRST_PARTY_FOLDERS = ["platform", "assessments", "roi", "shadow_ai"]


@checks.register(checks.Tags.security)
def check_unscoped_uses_are_listed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    root = Path(settings.BASE_DIR)
    return [
        checks.Error(
            f"{path}:{line} uses the unscoped manager, which sees every organisation.",
            hint="Use Model.objects inside org_context(); if unscoped is really needed, add "
            "the file to tenancy.checks.UNSCOPED_ALLOWED with the reason it is safe.",
            id="tenancy.E004",
        )
        for path, line in unscoped_uses(root)
        if path not in UNSCOPED_ALLOWED
    ]


def unique_sets(model) -> list[tuple[str, tuple[str, ...]]]:
    """(name, columns) of every unique constraint and unique index except the primary key."""
    meta = model._meta
    found = [
        (f"{meta.db_table}.{field.name} (unique=True)", (field.column,))
        for field in meta.local_fields
        if field.unique and not field.primary_key
    ]
    found += [
        (f"{meta.db_table} unique_together", tuple(meta.get_field(f).column for f in fields))
        for fields in meta.unique_together
    ]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            columns = tuple(meta.get_field(f).column for f in constraint.fields)
            found.append((f"{meta.db_table} constraint {constraint.name}", columns))
        elif isinstance(constraint, models.UniqueConstraint):
            found.append((f"{meta.db_table} constraint {constraint.name}", ("<expression>",)))
    return found


@checks.register(checks.Tags.models)
def check_tenant_uniques_include_organization(app_configs, **kwargs) -> list:
    """Distributed on Citus by organization_id, a unique constraint can only be enforced
    when it includes that column (docs/scaling.md); so every one must, from the start."""
    from tenancy.rls import tenant_models

    return [
        checks.Error(
            f"{name} is unique without organization_id.",
            hint="Make it a UniqueConstraint over ('organization', ...).",
            obj=model,
            id="tenancy.E005",
        )
        for model in tenant_models()
        for name, columns in unique_sets(model)
        if "organization_id" not in columns
    ]


def iter_patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from iter_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


@checks.register(checks.Tags.urls)
def check_views_are_tenant_scoped(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Every URL under an organisation goes through the one base view or viewset; every
    other URL is explicitly marked as not tenant-owned (`tenant_exempt = True`)."""
    from tenancy.api import OrgViewSet
    from tenancy.views.base import OrgView

    errors = []
    for route, pattern in iter_patterns(get_resolver()):
        if route.startswith("django-admin/"):
            continue  # the platform operators' admin runs in system context
        cls = view_class(pattern.callback)
        scoped = cls is not None and issubclass(cls, OrgView | OrgViewSet)
        if "<slug:org_slug>" in route:
            if not scoped:
                errors.append(
                    checks.Error(
                        f"URL {route!r} is under an organisation but its view does not "
                        "derive from OrgView or OrgViewSet.",
                        id="tenancy.E001",
                    )
                )
        elif not getattr(cls or pattern.callback, "tenant_exempt", False):
            errors.append(
                checks.Error(
                    f"URL {route!r} is not under /o/<org_slug>/ and its view is not marked "
                    "tenant_exempt = True.",
                    id="tenancy.E002",
                )
            )
    return errors
