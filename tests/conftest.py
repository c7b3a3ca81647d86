"""Shared fixtures. The cast, after healthchecks' tests: two organisations and an outsider.

Acme (org_a): alice (admin), erin (executive), mona (manager of Support), emil (employee).
Globex (org_b): bob (admin), with his own department.
Olga the outsider belongs to no organisation.
"""

import os
import re
import shutil
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import User
from tenancy.context import org_context
from tenancy.models import Department, ManagedDepartment, Membership, Organization, Role
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "correct-horse-battery"


@dataclass
class Cast:
    org_a: Organization
    org_b: Organization
    support: Department  # in org_a
    sales: Department  # in org_a
    b_department: Department  # in org_b
    alice: User
    erin: User
    mona: User
    emil: User
    bob: User
    olga: User
    memberships: dict[str, Membership]

    def member(self, name: str) -> Membership:
        return self.memberships[name]


WALL_OFF = os.environ.get("PLATFORM_TEST_WALL_OFF", "")


def pytest_configure(config):
    if WALL_OFF == "manager":
        # The second wall taken down: the scoped manager filters nothing and never raises,
        # so the other two walls must hold on their own (tenancy.context stays real).
        from django.db import models

        from tenancy.managers import TenantManager

        TenantManager.get_queryset = lambda self: models.Manager.get_queryset(self)


# Tests whose names say they are about another organisation join the cross-tenant suite
# without being listed, so new ones are never left out of the runs with a wall down.
CROSS_TENANT_NAME = re.compile(
    r"another_organisation|other_organisation|another_org|outsider|foreign|across_organisations"
)


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=f"PLATFORM_TEST_WALL_OFF={WALL_OFF}: that wall is down")
    for item in items:
        if CROSS_TENANT_NAME.search(item.name):
            item.add_marker(pytest.mark.cross_tenant)
        # Tests of the wall that is down cannot pass, by design: they say which wall.
        wall = item.get_closest_marker("wall")
        if WALL_OFF and wall and wall.args[0] == WALL_OFF:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    """The owner role creates and migrates the test database; the runtime (`default`) and
    system roles connect to it as mirrors, as they do in production."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            keepdb=django_db_keepdb,
            aliases={"owner"},
            serialized_aliases=set(),
        )
    yield
    if not django_db_keepdb:
        from django.db import connections

        with django_db_blocker.unblock():
            connections.close_all()  # the mirrors' connections would block DROP DATABASE
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _flush_after_transactional_tests(request):
    """Tests that commit (transactional_db) are cleaned up by the owner role, on a
    connection of its own: Django would flush only non-mirror aliases, and the runtime
    role may not TRUNCATE. Content types, permissions and the migration history stay."""
    yield
    if "transactional_db" not in request.fixturenames and not any(
        m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")
    ):
        return
    import psycopg
    from django.apps import apps
    from django.db import connections

    keep = {"django_migrations", "django_content_type", "auth_permission"}
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)} - keep)
    s = connections["owner"].settings_dict
    with psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    ) as conn:
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


@pytest.fixture(autouse=True)
def _fresh_tenant_state():
    """No tenant context leaks from one test to the next."""
    from tenancy import context

    context.reset(sync_database=False)
    yield
    context.reset(sync_database=False)


def build_cast() -> Cast:
    # Each organisation's rows are made in its own context (the factories enter it), as the
    # application makes them: no system role is needed to set up a test.
    org_a = OrganizationFactory(name="Acme", slug="acme-test")
    org_b = OrganizationFactory(name="Globex", slug="globex-test")
    support = DepartmentFactory(organization=org_a, name="Support")
    sales = DepartmentFactory(organization=org_a, name="Sales")
    b_department = DepartmentFactory(organization=org_b, name="Globex R&D")
    people = {
        "alice": (org_a, Role.ADMIN, support),
        "erin": (org_a, Role.EXECUTIVE, None),
        "mona": (org_a, Role.MANAGER, support),
        "emil": (org_a, Role.EMPLOYEE, support),
        "bob": (org_b, Role.ADMIN, b_department),
    }
    users, memberships = {}, {}
    for name, (org, role, dept) in people.items():
        users[name] = UserFactory(email=f"{name}@example.com", full_name=name.title())
        memberships[name] = MembershipFactory(
            organization=org, user=users[name], role=role, department=dept
        )
    with org_context(org_a):
        ManagedDepartment.objects.create(
            organization=org_a, membership=memberships["mona"], department=support
        )
    users["olga"] = UserFactory(email="olga@example.com", full_name="Olga")
    return Cast(org_a, org_b, support, sales, b_department, memberships=memberships, **users)


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def live_cast(transactional_db) -> Cast:
    return build_cast()


@pytest.fixture
def client_for():
    """A logged-in test client for one of the cast."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if shutil.os.path.exists("/usr/bin/chromium") else None
    )


@pytest.fixture(scope="session")
def models_loaded():
    """Load both default models once for the session (offline, from their PyPI packages)."""
    from slm import runtime

    status = runtime.load_all()
    assert all(s.startswith("loaded") for s in status.values()), status
    return status
