"""What transaction-scoped tenant settings cost per request.

    PYTHONPATH=platform .venv/bin/python bench/tenant_context.py [--requests 300]

Every request to an organisation page enters `org_context` twice (resolving the membership,
then the handler), and each entry is a transaction with one `set_config(..., true)`. This
measures, against the configured database (embedded by default), inside a transaction that
is rolled back:

- the floor: one small tenant query with the organisation already in context;
- the same query in a fresh `org_context` each time (BEGIN, set_config, query, COMMIT),
  so the difference is what one context costs;
- for scale, the median server time of the busiest page - the members list of a
  300-person organisation, opened by its admin - through Django's test client.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

from bench_support import median_ms  # noqa: E402  (bench/, beside this file)
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from tenancy.context import org_context  # noqa: E402
from tenancy.models import Department, Membership, Organization, Role  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    n = args.requests
    # Outside any transaction, so each org_context really begins and commits one; the rows
    # made for the benchmark are deleted at the end.
    org = Organization.objects.create(name="Bench", slug="bench-context")
    try:
        with org_context(org):
            departments = Department.objects.bulk_create(
                [Department(organization=org, name=f"Dept {i}") for i in range(8)]
            )
            users = User.objects.bulk_create(
                [User(email=f"ctx{i}@bench.example", password="!") for i in range(300)]
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        organization=org,
                        user=u,
                        department=departments[i % 8],
                        role=Role.ADMIN if i == 0 else Role.EMPLOYEE,
                    )
                    for i, u in enumerate(users)
                ]
            )

        def query() -> None:
            Department.objects.filter(name="Dept 3").exists()

        def query_in_fresh_context() -> None:
            with org_context(org):
                query()

        with org_context(org):
            floor = median_ms(query, n)
        fresh = median_ms(query_in_fresh_context, n)

        client = Client()
        client.force_login(users[0])
        url = reverse("tenancy:members", kwargs={"org_slug": org.slug})
        assert client.get(url).status_code == 200
        page = median_ms(lambda: client.get(url), max(n // 10, 20))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        set_configs = sum("set_config" in q["sql"] for q in queries.captured_queries)
    finally:
        with org_context(org), transaction.atomic():
            Membership.objects.all().delete()
            Department.objects.all().delete()
        User.objects.filter(email__endswith="@bench.example").delete()
        org.delete()

    per_context = fresh - floor
    print(f"tenant query, organisation already in context (floor): {floor:7.3f} ms")
    print(f"same query in a fresh org_context (transaction):       {fresh:7.3f} ms")
    print(f"=> one org_context costs:                               {per_context:7.3f} ms")
    print(f"members page (300 people), median server time:          {page:7.2f} ms")
    print(
        f"   set_config calls per request: {set_configs}; tenant-context overhead "
        f"~{set_configs * per_context:.2f} ms = {100 * set_configs * per_context / page:.1f}% "
        "of the page"
    )


if __name__ == "__main__":
    main()
