"""System checks that keep the isolation walls standing."""

from django.core import checks
from django.db import DatabaseError, connection
from django.urls import URLPattern, URLResolver, get_resolver


@checks.register(checks.Tags.security)
def check_database_role_is_bound_by_rls(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []  # database checks are readyz's job; nothing to say about RLS here
    if row and row[0]:
        return [
            checks.Warning(
                "The database user is a superuser or has BYPASSRLS, so row-level security "
                "does not apply to it.",
                hint="Point DATABASE_URL at a role created with NOSUPERUSER NOBYPASSRLS "
                "(README, 'Configuration').",
                id="tenancy.W001",
            )
        ]
    return []


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
