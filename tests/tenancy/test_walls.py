"""The three walls of tenant isolation, each proven on its own.

1. The base view/viewset (test_view_access, api tests).
2. The scoped manager fails closed without an organisation in context.
3. PostgreSQL row-level security: raw SQL that forgets its filter sees no other tenant.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from tenancy.context import TenantContextMissing, org_context, system_context, user_context
from tenancy.models import Department, Invitation, ManagedDepartment, Membership
from tenancy.rls import tenant_models


def raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else cursor.rowcount


# --- wall 2: the scoped manager ----------------------------------------------------------


def test_scoped_manager_raises_without_an_organisation(cast):
    with pytest.raises(TenantContextMissing):
        list(Department.objects.all())


def test_scoped_manager_returns_only_the_organisation_in_context(cast):
    with org_context(cast.org_a):
        assert set(Department.objects.values_list("name", flat=True)) == {"Support", "Sales"}
    with org_context(cast.org_b):
        assert list(Department.objects.values_list("name", flat=True)) == ["Globex R&D"]


def test_contexts_nest_and_restore(cast):
    with org_context(cast.org_a):
        with org_context(cast.org_b):
            assert Department.objects.count() == 1
        assert Department.objects.count() == 2
    with pytest.raises(TenantContextMissing):
        Department.objects.count()


def test_system_context_sees_every_organisation(cast):
    with system_context():
        assert Department.objects.count() == 3


# --- wall 3: row-level security ----------------------------------------------------------


def test_database_role_is_bound_by_row_level_security(db):
    [(is_super, bypass)] = raw(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert not is_super and not bypass, (
        "The tests connect as a superuser or BYPASSRLS role, so row-level security is not "
        "in force: point DATABASE_URL at a NOSUPERUSER NOBYPASSRLS role (README)."
    )


def test_every_tenant_table_has_forced_row_level_security(db):
    tables = [m._meta.db_table for m in tenant_models()]
    assert {"tenancy_department", "tenancy_membership", "audit_auditevent"} <= set(tables)
    rows = dict(
        (name, (enabled, forced))
        for name, enabled, forced in raw(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s)",
            [tables],
        )
    )
    assert rows == {table: (True, True) for table in tables}


def test_raw_unfiltered_query_in_a_context_returns_no_rows_of_b(cast):
    with org_context(cast.org_a):
        ids = {row[0] for row in raw("SELECT organization_id FROM tenancy_department")}
        members = {row[0] for row in raw("SELECT organization_id FROM tenancy_membership")}
        # The unscoped manager forgets the filter too; the database still holds the line.
        via_orm = set(Department.unscoped.values_list("organization_id", flat=True))
    assert ids == members == via_orm == {cast.org_a.pk}


def test_raw_query_without_any_context_returns_nothing(cast):
    for model in (Department, Membership, ManagedDepartment, Invitation, AuditEvent):
        assert raw(f"SELECT count(*) FROM {model._meta.db_table}") == [(0,)]


def test_writing_a_row_for_another_organisation_is_refused(cast):
    with org_context(cast.org_a), pytest.raises(DatabaseError), transaction.atomic():
        raw(
            "INSERT INTO tenancy_department (organization_id, name, created_at) "
            "VALUES (%s, 'Smuggled', now())",
            [cast.org_b.pk],
        )
    with system_context():
        assert not Department.objects.filter(name="Smuggled").exists()


def test_updating_another_organisations_rows_touches_nothing(cast):
    with org_context(cast.org_a):
        assert raw("UPDATE tenancy_department SET name = name || ' (renamed)'") == 2
    with system_context():
        assert Department.objects.get(pk=cast.b_department.pk).name == "Globex R&D"


def test_a_user_reads_only_their_own_memberships_across_organisations(cast):
    with user_context(cast.alice.pk):
        rows = raw("SELECT user_id FROM tenancy_membership")
    assert rows == [(cast.alice.pk,)]


# --- wall 1: the base classes refuse to be misused ----------------------------------------


def test_viewset_may_not_override_get_queryset():
    from tenancy.api import OrgViewSet
    from tenancy.roles import EVERYONE

    with pytest.raises(ImproperlyConfigured):

        class Leaky(OrgViewSet):
            read_roles = EVERYONE

            def get_queryset(self):
                return Department.unscoped.all()


def test_view_must_declare_its_roles():
    from tenancy.views.base import OrgView

    with pytest.raises(ImproperlyConfigured):

        class Forgetful(OrgView):
            pass


def test_system_check_flags_views_outside_the_base_classes(settings):
    from django.urls import clear_url_caches

    from tenancy.checks import check_views_are_tenant_scoped

    settings.ROOT_URLCONF = "tests.tenancy.leaky_urls"
    clear_url_caches()
    try:
        ids = {message.id for message in check_views_are_tenant_scoped(None)}
    finally:
        clear_url_caches()
    assert ids == {"tenancy.E001", "tenancy.E002"}


def test_project_urls_pass_the_tenancy_check():
    from tenancy.checks import check_views_are_tenant_scoped

    assert check_views_are_tenant_scoped(None) == []
