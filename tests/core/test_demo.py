"""seed_demo: the demo organisations, idempotent and scalable."""

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from core.demo import DEMO_PASSWORD
from tenancy.context import org_context
from tenancy.models import Department, Membership, Organization, Role


def counts():
    result = {}
    for org in Organization.objects.filter(slug__in=["acme", "globex"]):
        with org_context(org):
            result[org.slug] = (
                Membership.objects.count(),
                Department.objects.count(),
                sorted(set(Membership.objects.values_list("role", flat=True))),
                sorted(set(Membership.objects.values_list("job_track", flat=True))),
            )
    return result, User.objects.count()


def test_seed_demo_builds_both_organisations_and_is_idempotent(db):
    call_command("seed_demo", employees=60)
    first = counts()
    acme_members, acme_departments, roles, tracks = first[0]["acme"]
    assert acme_members == 60
    assert acme_departments == 8
    assert roles == sorted(Role.values)
    assert len(tracks) >= 8
    assert first[0]["globex"][0] > 5
    call_command("seed_demo", employees=60)
    assert counts() == first


def test_seed_demo_scales_and_logins_work(client, db):
    call_command("seed_demo", employees=120)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        assert Membership.objects.count() == 120
    response = client.post(
        reverse("accounts:login"), {"username": "admin@acme.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    # The demo admin belongs to both organisations, to show the switcher.
    from tenancy.selectors import memberships_for_user

    slugs = [o["slug"] for o in memberships_for_user(User.objects.get(email="admin@acme.example"))]
    assert slugs == ["acme", "globex"]


def test_seed_demo_runs_each_modules_registered_seeder(db):
    """core names no domain module: assessments and slm register their demo seeders."""
    from assessments.models import Campaign, FrameworkVersion
    from assessments.selectors.frameworks import shipped_files
    from tenancy.seeding import demo_seeders

    assert [name for name, _ in demo_seeders()] == [
        "assessments",
        "roi",
        "shadow_ai",
        "reports",
        "slm.model_calls",
    ]
    call_command("seed_demo", employees=30)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        assert Campaign.objects.count() == 3
    # Seeding is where frameworks get installed (reading a page installs nothing).
    for org in Organization.objects.filter(slug__in=["acme", "globex"]):
        with org_context(org):
            installed = set(FrameworkVersion.objects.values_list("framework__slug", flat=True))
        assert installed == set(shipped_files())
