"""Member CSV import: all rows or none, and every problem reported with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from tenancy.context import org_context
from tenancy.models import Membership
from tenancy.services.member_import import members_import_csv

GOOD = (
    "email,name,department,role,job_track\n"
    "new.person@example.com,New Person,Support,employee,customer_support\n"
    "emil@example.com,Emil,Sales,manager,Sales\n"
)


def run_import(cast, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    with org_context(cast.org_a):
        return members_import_csv(organization=cast.org_a, actor=cast.alice, data=data)


def snapshot(cast):
    with org_context(cast.org_a):
        return sorted(
            Membership.objects.values_list("user__email", "role", "department__name", "job_track")
        ), User.objects.count()


def test_good_file_creates_and_updates_members(cast):
    result = run_import(cast, GOOD)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 1, 1, 0)
    with org_context(cast.org_a):
        emil = Membership.objects.get(user=cast.emil)
        assert (emil.role, emil.department.name, emil.job_track) == ("manager", "Sales", "sales")
        new = Membership.objects.get(user__email="new.person@example.com")
        assert new.user.full_name == "New Person"
        assert not new.user.has_usable_password()
        event = AuditEvent.objects.get(action="members.imported")
        assert event.after["created"] == 1 and event.actor == cast.alice


def test_reimporting_the_same_file_changes_nothing(cast):
    run_import(cast, GOOD)
    before = snapshot(cast)
    result = run_import(cast, GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot(cast) == before


BAD_ROWS = (
    "email,name,department,role,job_track\n"
    "ok@example.com,Fine Person,Support,employee,engineering\n"  # line 2: fine
    "not-an-email,Bad Email,Support,employee,engineering\n"  # line 3
    "x@example.com,Lost,Atlantis,employee,engineering\n"  # line 4
    "ok@example.com,Twice,Support,employee,engineering\n"  # line 5: duplicate of 2
    "y@example.com,Bad Role,Support,overlord,engineering\n"  # line 6
    "z@example.com,,Support,employee,astronaut\n"  # line 7: empty name, bad track
)


def test_file_with_bad_rows_saves_nothing_and_reports_every_row(cast):
    before = snapshot(cast)
    result = run_import(cast, BAD_ROWS)
    assert not result.ok
    by_line = {e.line: e.message for e in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7]
    assert "invalid email 'not-an-email'" in by_line[3]
    assert "unknown department 'Atlantis'" in by_line[4]
    assert "duplicate email ok@example.com (first on line 2)" in by_line[5]
    assert "unknown role 'overlord'" in by_line[6]
    assert "name is empty" in by_line[7] and "unknown job_track 'astronaut'" in by_line[7]
    assert snapshot(cast) == before
    assert not User.objects.filter(email="ok@example.com").exists()


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"", 0, "the file is empty"),
        (b"   \n\n", 0, "the file is empty"),
        (b"email,name,department,role,job_track\n", 0, "no member rows"),
        (
            b"email,name,dept,role\nx@example.com,X,Support,employee\n",
            1,
            "missing column(s): department, job_track; unexpected column(s): dept",
        ),
        (b"email,name,department,role,job_track,salary\n", 1, "unexpected column(s): salary"),
        (
            "email,name,department,role,job_track\nj@example.com,J\xf6rg,Support,employee,hr\n".encode(
                "latin-1"
            ),
            2,
            "not UTF-8",
        ),
        (
            b"email,name,department,role,job_track\na@example.com,A,Support\n",
            2,
            "expected 5 values, found 3",
        ),
    ],
)
def test_malformed_files_are_rejected_with_a_reason(cast, content, line, fragment):
    before = snapshot(cast)
    result = run_import(cast, content)
    assert not result.ok
    assert [(e.line, fragment in e.message) for e in result.errors] == [(line, True)], result.errors
    assert snapshot(cast) == before


def test_utf8_with_bom_and_labels_is_accepted(cast):
    text = (
        "\ufeffEmail,Name,Department,Role,Job_Track\n"
        "b@example.com,Bé,support,Employee,Customer support\n"
    )
    result = run_import(cast, text)
    assert result.ok and result.created == 1


def test_import_cannot_remove_the_last_admin(cast):
    text = "email,name,department,role,job_track\nalice@example.com,Alice,Support,employee,hr\n"
    result = run_import(cast, text)
    assert not result.ok and "without an admin" in result.errors[0].message
    with org_context(cast.org_a):
        assert Membership.objects.get(user=cast.alice).role == "admin"


def test_import_never_touches_another_organisation(cast):
    # Bob (Globex) appears in Acme's file: he gains an Acme membership, Globex is untouched.
    text = "email,name,department,role,job_track\nbob@example.com,Bob,Support,employee,hr\n"
    assert run_import(cast, text).ok
    with org_context(cast.org_b):
        assert Membership.objects.get(user=cast.bob).role == "admin"


def test_import_page_lists_every_bad_row(client_for, cast):
    url = reverse("tenancy:member_import", kwargs={"org_slug": cast.org_a.slug})
    upload = SimpleUploadedFile("people.csv", BAD_ROWS.encode(), content_type="text/csv")
    response = client_for(cast.alice).post(url, {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported" in body
    for line in ("3", "4", "5", "6", "7"):
        assert f"<td>{line}</td>" in body
    assert "unknown department &#x27;Atlantis&#x27;" in body


def test_import_page_success_redirects_to_members(client_for, cast):
    url = reverse("tenancy:member_import", kwargs={"org_slug": cast.org_a.slug})
    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    response = client_for(cast.alice).post(url, {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("tenancy:members", kwargs={"org_slug": cast.org_a.slug})


def test_import_page_without_a_file_is_a_clear_400(client_for, cast):
    url = reverse("tenancy:member_import", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).post(url, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
