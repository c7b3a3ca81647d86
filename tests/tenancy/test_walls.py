"""The three walls of tenant isolation, each proven on its own.

1. The base view/viewset (test_view_access, api tests).
2. The scoped manager: every TenantModel's default manager, failing closed.
3. PostgreSQL row-level security, under roles the application cannot lower.

CI runs the cross-tenant tests again with one wall down (PLATFORM_TEST_WALL_OFF=rls or
=manager); a test marked `wall("x")` tests wall x itself and is skipped while x is down.
"""

import threading

import pytest
from django import forms
from django.db import DatabaseError, connection, connections, models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.test.utils import isolate_apps

from audit.models import AuditEvent
from tenancy.checks import (
    UNSCOPED_ALLOWED,
    check_tenant_uniques_include_organization,
    runtime_role_problems,
    unique_sets,
    unscoped_uses,
)
from tenancy.context import (
    SYSTEM_ALIAS,
    TenantContextMissing,
    org_context,
    system_context,
    user_context,
)
from tenancy.models import Department, Invitation, ManagedDepartment, Membership, TenantModel
from tenancy.rls import tenant_models
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.cross_tenant


def raw(sql, params=None, using="default"):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else cursor.rowcount


def org_setting():
    return raw("SELECT current_setting('app.org_id', true)")[0][0] or None


# --- wall 2: the scoped manager ----------------------------------------------------------


@pytest.mark.wall("manager")
def test_scoped_manager_raises_without_an_organisation(cast):
    with pytest.raises(TenantContextMissing):
        list(Department.objects.all())


@pytest.mark.wall("manager")
def test_scoped_manager_returns_only_the_organisation_in_context(cast):
    with org_context(cast.org_a):
        assert set(Department.objects.values_list("name", flat=True)) == {"Support", "Sales"}
    with org_context(cast.org_b):
        assert list(Department.objects.values_list("name", flat=True)) == ["Globex R&D"]


@pytest.mark.wall("manager")
def test_contexts_nest_and_restore(cast):
    with org_context(cast.org_a):
        with org_context(cast.org_b):
            assert Department.objects.count() == 1
        assert Department.objects.count() == 2
    with pytest.raises(TenantContextMissing):
        Department.objects.count()


def test_the_scoped_manager_is_every_tenant_models_default_manager(db):
    for model in tenant_models():
        assert model._default_manager is model.objects, model
        assert model._base_manager.name == "unscoped", model


@pytest.mark.wall("manager")
def test_get_object_or_404_and_related_managers_are_scoped(cast):
    # Django's own paths go through the default manager: in Globex's context, an Acme
    # department is not found and an Acme department's members are not listed.
    with org_context(cast.org_b):
        with pytest.raises(Http404):
            get_object_or_404(Department, pk=cast.support.pk)
        assert list(cast.support.members.all()) == []
    with org_context(cast.org_a):
        assert get_object_or_404(Department, pk=cast.support.pk) == cast.support
        assert cast.support.members.count() == 3


@pytest.mark.wall("manager")
def test_a_form_field_declared_at_import_time_lists_only_the_current_organisation(cast):
    class Form(forms.Form):
        department = forms.ModelChoiceField(queryset=Department.objects.all())

    with org_context(cast.org_a):
        assert {d.name for d in Form().fields["department"].queryset} == {"Support", "Sales"}
        assert not Form({"department": cast.b_department.pk}).is_valid()


# --- the system role ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_system_context_sees_every_organisation_through_the_system_role(live_cast):
    with system_context():
        assert Department.objects.count() == 3
        assert Department.objects.all().db == SYSTEM_ALIAS
    [(role, bypass)] = raw(
        "SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user",
        using=SYSTEM_ALIAS,
    )
    assert bypass, f"the system alias connects as {role}, which lacks BYPASSRLS"


# --- wall 3: row-level security, and roles the application cannot lower ------------------


@pytest.mark.wall("rls")
def test_the_runtime_role_is_bound_by_row_level_security(db):
    assert runtime_role_problems("default") == [], (
        "The tests connect as a role that row-level security does not bind: point "
        "DATABASE_URL at the runtime role (README, 'Configuration')."
    )


@pytest.mark.django_db(databases=["default", "owner", "system"])
def test_the_other_roles_are_refused_as_the_runtime_role():
    # What verify_runtime_role() says when web or a worker is pointed at the wrong role.
    assert any("owns tenant tables" in p for p in runtime_role_problems("owner"))
    assert any("BYPASSRLS" in p for p in runtime_role_problems(SYSTEM_ALIAS))


@pytest.mark.wall("rls")
def test_every_tenant_table_has_forced_row_level_security(db):
    tables = [m._meta.db_table for m in tenant_models()]
    assert {"tenancy_department", "tenancy_membership", "audit_auditevent"} <= set(tables)
    rows = {
        name: (enabled, forced)
        for name, enabled, forced in raw(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s)",
            [tables],
        )
    }
    assert rows == {table: (True, True) for table in tables}


def test_every_tenant_table_is_analysed_after_a_small_share_of_it_changes(db):
    """Not a wall, but the same shared tables: a new organisation's rows must reach the
    planner's statistics soon (tenancy.rls.ANALYZE_AFTER); partitioned parents take none."""
    tables = [m._meta.db_table for m in tenant_models()]
    rows = dict(
        raw(
            "SELECT relname, coalesce(array_to_string(reloptions, ','), '') FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [tables],
        )
    )
    assert {"assessments_competencyscore", "shadow_ai_dailyrollup"} <= set(rows)
    wanted = "autovacuum_analyze_threshold=500,autovacuum_analyze_scale_factor=0.005"
    assert {name: options for name, options in rows.items() if wanted not in options} == {}


@pytest.mark.wall("rls")
def test_raw_unfiltered_query_in_a_context_returns_no_rows_of_b(cast):
    with org_context(cast.org_a):
        ids = {row[0] for row in raw("SELECT organization_id FROM tenancy_department")}
        members = {row[0] for row in raw("SELECT organization_id FROM tenancy_membership")}
        # The unscoped manager forgets the filter too; the database still holds the line.
        via_orm = set(Department.unscoped.values_list("organization_id", flat=True))
    assert ids == members == via_orm == {cast.org_a.pk}


@pytest.mark.wall("rls")
def test_raw_query_without_any_context_returns_nothing(cast):
    for model in (Department, Membership, ManagedDepartment, Invitation, AuditEvent):
        assert raw(f"SELECT count(*) FROM {model._meta.db_table}") == [(0,)]


@pytest.mark.wall("rls")
def test_writing_a_row_for_another_organisation_is_refused(cast):
    with org_context(cast.org_a), pytest.raises(DatabaseError), transaction.atomic():
        raw(
            "INSERT INTO tenancy_department (organization_id, name, created_at) "
            "VALUES (%s, 'Smuggled', now())",
            [cast.org_b.pk],
        )
    with org_context(cast.org_b):
        assert not Department.objects.filter(name="Smuggled").exists()


@pytest.mark.wall("rls")
def test_updating_another_organisations_rows_touches_nothing(cast):
    with org_context(cast.org_a):
        assert raw("UPDATE tenancy_department SET name = name || ' (renamed)'") == 2
    with org_context(cast.org_b):
        assert Department.objects.get(pk=cast.b_department.pk).name == "Globex R&D"


@pytest.mark.wall("rls")
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE tenancy_department DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE tenancy_department NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON tenancy_department",
        "CREATE POLICY open_door ON tenancy_department USING (true)",
        "ALTER TABLE tenancy_department OWNER TO CURRENT_USER",
        "TRUNCATE tenancy_department CASCADE",
        "CREATE TABLE smuggled (id int)",
        "SET ROLE {system}",
        "SET ROLE {owner}",
    ],
)
def test_the_runtime_role_cannot_lower_the_wall(cast, settings, statement):
    # What SQL injection could try: none of it is within the runtime role's rights.
    roles = {alias: settings.DATABASES[alias]["USER"] for alias in ("owner", "system")}
    with org_context(cast.org_a), pytest.raises(DatabaseError), transaction.atomic():
        raw(statement.format(**roles))
    with org_context(cast.org_b):
        assert Department.objects.count() == 1


@pytest.mark.wall("rls")
@pytest.mark.parametrize(
    "setting, value",
    [
        ("app.bypass_rls", "on"),
        ("app.org_id", ""),
        ("row_security", "off"),
        ("session_authorization", "{system}"),
        ("role", "{system}"),
    ],
)
def test_no_setting_makes_another_organisations_rows_visible(cast, settings, setting, value):
    """Settings that bypass something elsewhere bypass nothing here: either the role may
    not change them, or with them changed no row of another organisation is visible."""
    with org_context(cast.org_a):
        try:
            with transaction.atomic():
                system = settings.DATABASES["system"]["USER"]
                raw("SELECT set_config(%s, %s, true)", [setting, value.format(system=system)])
                seen = {r[0] for r in raw("SELECT organization_id FROM tenancy_department")}
        except DatabaseError:
            return  # refused: nothing changed
        assert cast.org_b.pk not in seen


@pytest.mark.wall("rls")
def test_a_user_reads_only_their_own_memberships_across_organisations(cast):
    with user_context(cast.alice.pk):
        rows = raw("SELECT user_id FROM tenancy_membership")
    assert rows == [(cast.alice.pk,)]


# --- transaction-scoped tenant settings --------------------------------------------------


def test_the_tenant_setting_lives_only_inside_its_context(cast):
    assert org_setting() is None
    with org_context(cast.org_a):
        assert org_setting() == str(cast.org_a.pk)
        with org_context(cast.org_b):
            assert org_setting() == str(cast.org_b.pk)
        assert org_setting() == str(cast.org_a.pk)
        with pytest.raises(ValueError), org_context(cast.org_b):
            raise ValueError("an error inside the inner context")
        assert org_setting() == str(cast.org_a.pk)
    assert org_setting() is None


@pytest.mark.wall("rls")  # the last assertion is row-level security's
@pytest.mark.django_db(transaction=True)
def test_the_tenant_setting_dies_with_its_transaction(live_cast):
    with org_context(live_cast.org_a):
        assert connection.in_atomic_block
        assert org_setting() == str(live_cast.org_a.pk)
    assert not connection.in_atomic_block
    # A fresh transaction on the same connection (as a pooler would hand to another
    # client) starts with no organisation, so it sees no tenant rows.
    assert org_setting() is None
    assert raw("SELECT count(*) FROM tenancy_department") == [(0,)]


@pytest.mark.wall("rls")
@pytest.mark.django_db(transaction=True)
def test_concurrent_clients_on_shared_connections_see_only_their_organisation(live_cast):
    """Run through PgBouncer in transaction mode with a pool smaller than the clients (CI),
    server connections are shared between organisations from one transaction to the next."""
    orgs = [live_cast.org_a, live_cast.org_b] * 4
    expected = {live_cast.org_a.pk: 2, live_cast.org_b.pk: 1}
    errors: list[str] = []
    start = threading.Barrier(len(orgs))

    def client(org) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(25):
                with org_context(org):
                    rows = raw("SELECT organization_id FROM tenancy_department")
                    orm = Department.unscoped.count()
                if (
                    {r[0] for r in rows} != {org.pk}
                    or len(rows) != expected[org.pk]
                    or (orm != expected[org.pk])
                ):
                    errors.append(f"{org.slug} saw {rows}")
                # Outside any context, the next statement may run on a connection another
                # organisation just used: it must see nothing.
                if raw("SELECT count(*) FROM tenancy_department") != [(0,)]:
                    errors.append(f"{org.slug} saw rows outside its context")
        except Exception as exc:
            errors.append(f"{org.slug}: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(org,)) for org in orgs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


# --- checks that keep the walls standing -------------------------------------------------


def test_every_use_of_unscoped_outside_tenancy_is_listed_with_its_reason(settings):
    from pathlib import Path

    unlisted = [
        (path, line)
        for path, line in unscoped_uses(Path(settings.BASE_DIR))
        if path not in UNSCOPED_ALLOWED
    ]
    assert unlisted == []


def test_a_new_use_of_unscoped_is_found(tmp_path):
    module = tmp_path / "assessments" / "views"
    module.mkdir(parents=True)
    (module / "leaky.py").write_text(
        "from tenancy.models import Department\n\n"
        "def rows():\n"
        "    return Department.unscoped.all()  # sees every organisation\n"
    )
    (tmp_path / "assessments" / "migrations").mkdir()
    (tmp_path / "assessments" / "migrations" / "0001.py").write_text("X.unscoped.all()\n")
    assert unscoped_uses(tmp_path) == [("assessments/views/leaky.py", 4)]


def test_every_unique_constraint_on_a_tenant_table_includes_the_organisation(db):
    assert check_tenant_uniques_include_organization(None) == []


@isolate_apps("tenancy")
def test_a_unique_constraint_without_the_organisation_is_found():
    class Badge(TenantModel):
        code = models.CharField(max_length=10, unique=True)
        label = models.CharField(max_length=10)

        class Meta(TenantModel.Meta):
            app_label = "tenancy"
            constraints = [
                models.UniqueConstraint(fields=["label"], name="badge_label"),
                models.UniqueConstraint(fields=["organization", "code"], name="badge_ok"),
            ]

    offending = [name for name, columns in unique_sets(Badge) if "organization_id" not in columns]
    assert offending == [
        "tenancy_badge.code (unique=True)",
        "tenancy_badge constraint badge_label",
    ]


def test_a_factory_row_lands_in_its_own_organisation(cast):
    department = DepartmentFactory(organization=cast.org_b, name="Made in context")
    with org_context(cast.org_b):
        assert Department.objects.filter(pk=department.pk).exists()
    with org_context(cast.org_a):
        assert not Department.objects.filter(pk=department.pk).exists()
