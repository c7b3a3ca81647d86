"""Admin actions land in the audit log with before and after values."""

from django.urls import reverse

from audit.models import AuditEvent
from tenancy.context import org_context


def test_member_edit_records_before_and_after(client_for, cast):
    url = reverse(
        "tenancy:member_edit", kwargs={"org_slug": cast.org_a.slug, "pk": cast.member("emil").pk}
    )
    response = client_for(cast.alice).post(
        url,
        {
            "role": "manager",
            "department": cast.sales.pk,
            "job_track": "sales",
            "is_active": "on",
            "managed_departments": [cast.sales.pk],
        },
    )
    assert response.status_code == 302
    with org_context(cast.org_a):
        event = AuditEvent.objects.get(action="membership.updated")
    assert event.actor == cast.alice
    assert event.before["role"] == "employee" and event.after["role"] == "manager"
    assert event.before["department"] == "Support" and event.after["department"] == "Sales"
    assert event.after["managed_departments"] == ["Sales"]
    assert ("role", "employee", "manager") in event.changes()


def test_demoting_the_last_admin_is_refused_and_nothing_changes(client_for, cast):
    url = reverse(
        "tenancy:member_edit", kwargs={"org_slug": cast.org_a.slug, "pk": cast.member("alice").pk}
    )
    response = client_for(cast.alice).post(url, {"role": "employee", "is_active": "on"})
    assert response.status_code == 400
    assert "at least one active admin" in response.content.decode()
    with org_context(cast.org_a):
        assert not AuditEvent.objects.exists()
        assert type(cast.member("alice")).objects.get(user=cast.alice).role == "admin"


def test_policy_change_is_audited_and_validated(client_for, cast):
    url = reverse("tenancy:settings", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    bad = client.post(
        url,
        {
            "name": "Acme",
            "anonymity_threshold": 1,
            "min_fluency_level": "capable",
            "currency": "eur",
            "fiscal_year_start_month": 13,
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "greater than or equal to 2" in body and "ISO 4217" in body
    cast.org_a.refresh_from_db()
    assert cast.org_a.anonymity_threshold == 5
    good = client.post(
        url,
        {
            "name": "Acme",
            "anonymity_threshold": 7,
            "min_fluency_level": "adoptive",
            "currency": "EUR",
            "model_confidence_threshold": 0.7,
            "fiscal_year_start_month": 4,
        },
    )
    assert good.status_code == 302
    with org_context(cast.org_a):
        event = AuditEvent.objects.get(action="organization.policy_updated")
    assert (event.before["anonymity_threshold"], event.after["anonymity_threshold"]) == (5, 7)


def test_audit_log_page_and_csv_show_only_own_organisation(client_for, cast):
    from audit.services import audit_record

    with org_context(cast.org_b):
        audit_record(
            organization=cast.org_b,
            actor=cast.bob,
            action="secret.globex_thing",
            target=cast.b_department,
        )
    with org_context(cast.org_a):
        audit_record(
            organization=cast.org_a,
            actor=cast.alice,
            action="department.created",
            target=cast.sales,
        )
    client = client_for(cast.alice)
    url = reverse("audit:list", kwargs={"org_slug": cast.org_a.slug})
    page = client.get(url).content.decode()
    csv_text = client.get(url + "?format=csv").content.decode()
    for text in (page, csv_text):
        assert "department.created" in text
        assert "globex_thing" not in text


def test_member_list_filters_sorts_and_exports(client_for, cast):
    client = client_for(cast.alice)
    url = reverse("tenancy:members", kwargs={"org_slug": cast.org_a.slug})
    page = client.get(url, {"role": "manager"}).content.decode()
    assert "mona@example.com" in page and "emil@example.com" not in page
    csv_text = client.get(url, {"sort": "-email", "format": "csv"}).content.decode().splitlines()
    assert csv_text[0] == "email,name,department,role,job_track,status"
    emails = [line.split(",")[0] for line in csv_text[1:]]
    assert emails == sorted(emails, reverse=True)
    assert "bob@example.com" not in emails
