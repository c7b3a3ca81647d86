"""The demo organisations: Acme Corp (about 300 people) and Globex (a second tenant).

Idempotent: running it again adds only what is missing. Only the documented demo logins
get a password; the other demo people can't log in.
"""

import random
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from tenancy.context import org_context
from tenancy.models import Department, JobTrack, ManagedDepartment, Membership, Organization, Role
from tenancy.seeding import DemoSeed, demo_seeders

DEMO_PASSWORD = "demo-pass-2026"

ACME_DEPARTMENTS = {
    "Engineering": JobTrack.ENGINEERING,
    "Product": JobTrack.PRODUCT,
    "Marketing": JobTrack.MARKETING,
    "Sales": JobTrack.SALES,
    "Customer Support": JobTrack.CUSTOMER_SUPPORT,
    "People": JobTrack.HR,
    "Finance": JobTrack.FINANCE,
    "Operations": JobTrack.OPERATIONS,
}
GLOBEX_DEPARTMENTS = {
    "Engineering": JobTrack.ENGINEERING,
    "Sales": JobTrack.SALES,
    "Customer Support": JobTrack.CUSTOMER_SUPPORT,
    "Finance": JobTrack.FINANCE,
}

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Adams",
    "Barros",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Mensah",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zhang",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    org: str
    role: str
    department: str | None
    track: str


DEMO_LOGINS = [
    DemoLogin(
        "admin@acme.example", "Alex Admin", "acme", Role.ADMIN, "Operations", JobTrack.OPERATIONS
    ),
    DemoLogin(
        "exec@acme.example", "Erin Executive", "acme", Role.EXECUTIVE, None, JobTrack.LEADERSHIP
    ),
    DemoLogin(
        "manager@acme.example",
        "Morgan Manager",
        "acme",
        Role.MANAGER,
        "Customer Support",
        JobTrack.CUSTOMER_SUPPORT,
    ),
    DemoLogin(
        "employee@acme.example",
        "Emery Employee",
        "acme",
        Role.EMPLOYEE,
        "Customer Support",
        JobTrack.CUSTOMER_SUPPORT,
    ),
    DemoLogin(
        "admin@globex.example",
        "Gale Globex",
        "globex",
        Role.ADMIN,
        "Engineering",
        JobTrack.ENGINEERING,
    ),
    # The Acme admin also belongs to Globex, to show the organisation switcher.
    DemoLogin(
        "admin@acme.example", "Alex Admin", "globex", Role.EMPLOYEE, "Finance", JobTrack.FINANCE
    ),
]


def _organization(slug: str, name: str, departments: dict[str, str]):
    organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    with org_context(organization):
        existing = {d.name: d for d in Department.objects.all()}
        for dept_name in departments:
            if dept_name not in existing:
                existing[dept_name] = Department.objects.create(
                    organization=organization, name=dept_name
                )
    return organization, existing


def _people(
    organization, departments: dict, tracks: dict[str, str], count: int, domain: str, seed: int
) -> int:
    """Ensure `count` generated people (besides the demo logins) belong to the organisation."""
    rng = random.Random(seed)
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(count)]
    emails = [f"person{i + 1:05d}@{domain}" for i in range(count)]
    existing_users = {u.email: u for u in User.objects.filter(email__in=emails)}
    new_users = []
    for email, name in zip(emails, names, strict=True):
        if email not in existing_users:
            user = User(email=email, full_name=name)
            user.set_unusable_password()
            new_users.append(user)
    for user in User.objects.bulk_create(new_users):
        existing_users[user.email] = user

    dept_names = list(departments)
    with org_context(organization):
        members = set(Membership.objects.values_list("user_id", flat=True))
        to_create = []
        for i, email in enumerate(emails):
            user = existing_users[email]
            if user.pk in members:
                continue
            dept_name = dept_names[i % len(dept_names)]
            # A few executives and two managers per department; everyone else is staff.
            if i < 4:
                role, track = Role.EXECUTIVE, JobTrack.LEADERSHIP
            elif i < 4 + 2 * len(dept_names):
                role, track = Role.MANAGER, tracks[dept_name]
            else:
                role, track = Role.EMPLOYEE, tracks[dept_name]
            to_create.append(
                Membership(
                    organization=organization,
                    user=user,
                    role=role,
                    department=departments[dept_name],
                    job_track=track,
                )
            )
        Membership.objects.bulk_create(to_create)
        # Generated managers oversee the department they work in.
        managers = Membership.objects.filter(role=Role.MANAGER, managed_departments=None)
        ManagedDepartment.objects.bulk_create(
            [
                ManagedDepartment(
                    organization=organization, membership=m, department_id=m.department_id
                )
                for m in managers
                if m.department_id
            ]
        )
    return len(to_create)


def _logins(organizations: dict, departments: dict) -> None:
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User.objects.create_user(login.email, DEMO_PASSWORD, full_name=login.name)
        organization = organizations[login.org]
        with org_context(organization):
            department = departments[login.org].get(login.department) if login.department else None
            membership, _ = Membership.objects.update_or_create(
                organization=organization,
                user=user,
                defaults={
                    "role": login.role,
                    "department": department,
                    "job_track": login.track,
                    "is_active": True,
                },
            )
            if login.role == Role.MANAGER:
                for name in ("Customer Support", "Sales"):
                    ManagedDepartment.objects.get_or_create(
                        organization=organization,
                        membership=membership,
                        department=departments[login.org][name],
                    )


@transaction.atomic
def seed_demo(*, employees: int = 300, model_calls: bool = False) -> dict[str, int]:
    """Create or complete the demo organisations, then run each module's registered demo
    seeder (`tenancy.seeding`). `employees` sizes Acme; `model_calls` queues a few real
    calls for the model worker."""
    # Organisations and users are not tenant rows; each organisation's rows are made in
    # its own context, so seeding needs no role that sees across organisations.
    acme, acme_departments = _organization("acme", "Acme Corp", ACME_DEPARTMENTS)
    globex, globex_departments = _organization("globex", "Globex", GLOBEX_DEPARTMENTS)
    organizations = {"acme": acme, "globex": globex}
    departments = {"acme": acme_departments, "globex": globex_departments}
    _logins(organizations, departments)
    acme_logins = sum(1 for login in DEMO_LOGINS if login.org == "acme")
    created = _people(
        acme,
        acme_departments,
        ACME_DEPARTMENTS,
        max(employees - acme_logins, 0),
        "acme.example",
        seed=1,
    )
    created += _people(globex, globex_departments, GLOBEX_DEPARTMENTS, 40, "globex.example", seed=2)
    with org_context(acme):
        acme_total = Membership.objects.count()
    with org_context(globex):
        globex_total = Membership.objects.count()
    # Each module's own demo data (assessments, model calls, ...), registered in its
    # AppConfig.ready: core names none of them. Each seeder enters the organisation's
    # context itself.
    demo = DemoSeed(organizations=organizations, model_calls=model_calls)
    for _, seeder in demo_seeders():
        seeder(demo)
    return {"created": created, "acme_members": acme_total, "globex_members": globex_total}
