"""Shared fixtures. The cast, after healthchecks' tests: two organisations and an outsider.

Acme (org_a): alice (admin), erin (executive), mona (manager of Support), emil (employee).
Globex (org_b): bob (admin), with his own department.
Olga the outsider belongs to no organisation.
"""

import shutil
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import User
from tenancy.context import system_context
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


@pytest.fixture(autouse=True)
def _fresh_tenant_state():
    """No tenant context leaks from one test to the next."""
    from tenancy import context

    context.reset(sync_database=False)
    yield
    context.reset(sync_database=False)


def build_cast() -> Cast:
    with system_context():
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
