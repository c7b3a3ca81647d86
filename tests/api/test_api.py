"""The API: token authentication, organisation scoping, roles, bad input."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_regenerate
from audit.models import AuditEvent
from roi.models import UseCase
from shadow_ai.models import Upload
from tenancy.context import org_context
from tenancy.models import Department

pytestmark = pytest.mark.cross_tenant

ADMIN = {"alice"}
EVERYONE = {"alice", "erin", "mona", "emil"}

# route name -> (kwargs builder, roles allowed to read)
ENDPOINTS = {
    "api:department-list": (lambda c: {}, EVERYONE),
    "api:department-detail": (lambda c: {"pk": c.support.pk}, EVERYONE),
    "api:member-list": (lambda c: {}, ADMIN),
    "api:member-detail": (lambda c: {"pk": c.member("emil").pk}, ADMIN),
    "api:audit-event-list": (lambda c: {}, ADMIN),
    "api:fluency-campaign-list": (lambda c: {}, {"alice", "erin", "mona"}),
    "api:fluency-campaign-detail": (lambda c: {"pk": c.campaign.pk}, {"alice", "erin", "mona"}),
    "api:use-case-list": (lambda c: {}, EVERYONE),
    "api:use-case-detail": (lambda c: {"pk": c.use_case.pk}, EVERYONE),
    "api:use-case-roi": (lambda c: {"pk": c.use_case.pk}, EVERYONE),
    "api:use-case-portfolio": (lambda c: {}, {"alice", "erin"}),
    "api:measurement-list": (lambda c: {}, ADMIN),
    "api:shadow-tool-list": (lambda c: {}, {"alice", "erin"}),
    "api:shadow-tool-detail": (lambda c: {"pk": c.shadow_tool.pk}, {"alice", "erin"}),
    "api:shadow-source-list": (lambda c: {}, ADMIN),
    "api:shadow-upload-list": (lambda c: {}, ADMIN),
    "api:shadow-upload-detail": (lambda c: {"pk": c.shadow_upload.pk}, ADMIN),
    "api:shadow-upload-rejected": (lambda c: {"pk": c.shadow_upload.pk}, ADMIN),
}
# POST-only routes: who may post (an empty body is refused with 400 for them, 403 for others).
POST_ONLY = {"api:measurement-batch": ADMIN, "api:shadow-event-list": ADMIN}


@pytest.fixture
def cast(cast):
    """The shared cast, plus an assessment campaign in Acme."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Campaign
    from assessments.services.frameworks import framework_install
    from tests.assessments.conftest import MINI

    for org, attribute in ((cast.org_a, "campaign"), (cast.org_b, "b_campaign")):
        with org_context(org):
            version = framework_install(organization=org, path=MINI)
            campaign = Campaign.objects.create(
                organization=org,
                name="Open",
                version=version,
                opens_at=timezone.now(),
                closes_at=timezone.now() + timedelta(days=1),
            )
        setattr(cast, attribute, campaign)
        with org_context(org):
            use_case = UseCase.objects.create(organization=org, title="Triage", problem="p")
            shadow_tool = _shadow_tool_in_use(org)
        setattr(cast, "use_case" if org == cast.org_a else "b_use_case", use_case)
        setattr(cast, "shadow_tool" if org == cast.org_a else "b_shadow_tool", shadow_tool)
        with org_context(org):
            shadow_upload = Upload.objects.create(organization=org, kind="push", status="done")
        setattr(cast, "shadow_upload" if org == cast.org_a else "b_shadow_upload", shadow_upload)
    return cast


def _shadow_tool_in_use(org):
    """A discovered tool with one day of use (so that it is in the inventory)."""
    from django.utils import timezone

    from shadow_ai.models import DailyRollup, Tool

    tool = Tool.objects.create(organization=org, name="llmhub.io", source="discovered")
    DailyRollup.objects.create(organization=org, day=timezone.now().date(), tool=tool, events=3)
    return tool


def url(name, cast, org=None):
    return reverse(name, kwargs={"org_slug": (org or cast.org_a).slug, **ENDPOINTS[name][0](cast)})


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=user)}")
    return client


def test_every_org_endpoint_is_covered():
    from django.urls import get_resolver

    from tenancy.checks import iter_patterns

    routes = {p.name for r, p in iter_patterns(get_resolver()) if r.startswith("api/v1/o/")}
    assert routes == {name.split(":")[1] for name in [*ENDPOINTS, *POST_ONLY]}


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_routes_roles_and_isolation(cast, name):
    path = reverse(name, kwargs={"org_slug": cast.org_a.slug})
    assert APIClient().post(path, {}, format="json").status_code == 401
    assert token_client(cast.bob).post(path, {}, format="json").status_code == 404
    assert token_client(cast.olga).post(path, {}, format="json").status_code == 404
    for person in sorted(EVERYONE):
        response = token_client(getattr(cast, person)).post(path, {}, format="json")
        assert response.status_code == (400 if person in POST_ONLY[name] else 403), person


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_anonymous_gets_401(cast, name):
    response = APIClient().get(url(name, cast))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_member_of_another_organisation_gets_404(cast, name):
    response = token_client(cast.bob).get(url(name, cast))
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_outsider_gets_404(cast, name):
    assert token_client(cast.olga).get(url(name, cast)).status_code == 404


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_roles(cast, name):
    allowed = ENDPOINTS[name][1]
    for person in sorted(EVERYONE):
        response = token_client(getattr(cast, person)).get(url(name, cast))
        assert response.status_code == (200 if person in allowed else 403), person


def test_list_contains_only_own_organisation(cast):
    response = token_client(cast.alice).get(url("api:department-list", cast))
    assert [d["name"] for d in response.json()["results"]] == ["Sales", "Support"]
    members = token_client(cast.alice).get(url("api:member-list", cast)).json()["results"]
    assert {m["email"] for m in members} == {
        "alice@example.com",
        "erin@example.com",
        "mona@example.com",
        "emil@example.com",
    }


# detail route -> an object of the same kind in Globex, requested under Acme by Acme's admin
FOREIGN_OBJECTS = {
    "api:department-detail": lambda c: c.b_department.pk,
    "api:member-detail": lambda c: c.member("bob").pk,
    "api:fluency-campaign-detail": lambda c: c.b_campaign.pk,
    "api:use-case-detail": lambda c: c.b_use_case.pk,
    "api:use-case-roi": lambda c: c.b_use_case.pk,
    "api:shadow-tool-detail": lambda c: c.b_shadow_tool.pk,
    "api:shadow-upload-detail": lambda c: c.b_shadow_upload.pk,
    "api:shadow-upload-rejected": lambda c: c.b_shadow_upload.pk,
}
VERBS = ["get", "head", "options", "post", "put", "patch", "delete"]


class _Any:
    """Stands in for the cast: every attribute is an object with a pk."""

    def __getattr__(self, name):
        return self

    def member(self, name):
        return self

    pk = 1


def test_every_detail_endpoint_has_a_foreign_object():
    assert set(FOREIGN_OBJECTS) == {
        name for name in ENDPOINTS if "pk" in ENDPOINTS[name][0](_Any())
    }


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("name", sorted(FOREIGN_OBJECTS))
def test_another_organisations_object_is_answered_like_one_that_exists_nowhere(cast, name, verb):
    def answer(pk):
        path = reverse(name, kwargs={"org_slug": cast.org_a.slug, "pk": pk})
        response = getattr(token_client(cast.alice), verb)(path, {}, format="json")
        return response.status_code, response.content, response.get("Allow")

    foreign = FOREIGN_OBJECTS[name](cast)
    assert answer(foreign) == answer(foreign + 100_000)
    if verb == "get":
        assert answer(foreign)[0] == 404


def test_object_of_another_organisation_is_404(cast):
    foreign = reverse(
        "api:department-detail", kwargs={"org_slug": cast.org_a.slug, "pk": cast.b_department.pk}
    )
    assert token_client(cast.alice).get(foreign).status_code == 404


def test_admin_creates_department_and_it_is_audited(cast):
    response = token_client(cast.alice).post(
        url("api:department-list", cast), {"name": "Legal"}, format="json"
    )
    assert response.status_code == 201
    with org_context(cast.org_a):
        assert Department.objects.filter(name="Legal").exists()
        assert AuditEvent.objects.filter(action="department.created", actor=cast.alice).exists()


def test_employee_cannot_create_department(cast):
    response = token_client(cast.emil).post(
        url("api:department-list", cast), {"name": "Legal"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({}, "name", "required"),
        ({"name": "x" * 121}, "name", "no more than 120"),
        ({"name": " \t\u3000"}, "name", "not just spaces"),
        ({"name": "a\x00b"}, "name", "Null characters"),
    ],
)
def test_bad_department_input_is_a_400_naming_the_field(cast, payload, field, fragment):
    response = token_client(cast.alice).post(
        url("api:department-list", cast), payload, format="json"
    )
    assert response.status_code == 400
    assert fragment in " ".join(response.json()[field])


def test_a_taken_department_name_is_a_409_naming_the_field(cast):
    response = token_client(cast.alice).post(
        url("api:department-list", cast), {"name": " support "}, format="json"
    )
    assert response.status_code == 409
    assert "already exists" in " ".join(response.json()["name"])


@pytest.mark.parametrize("page", ["", "0", "-1", "x", "last", "1.5"])
def test_a_page_that_is_not_a_page_number_is_a_400(cast, page):
    response = token_client(cast.alice).get(url("api:department-list", cast), {"page": page})
    assert response.status_code == 400
    assert "whole number" in " ".join(response.json()["page"])


def test_an_unknown_api_path_is_a_json_404(cast):
    response = token_client(cast.alice).get(f"/api/v1/o/{cast.org_a.slug}/departments/0.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_bad_token_is_401(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get(url("api:department-list", cast)).status_code == 401


def test_regenerated_token_replaces_the_old_one(cast):
    old = api_token_regenerate(user=cast.alice)
    api_token_regenerate(user=cast.alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
    assert client.get(url("api:department-list", cast)).status_code == 401


def test_me_lists_only_own_organisations(cast):
    data = token_client(cast.alice).get(reverse("api:me")).json()
    assert data["email"] == "alice@example.com"
    assert [o["slug"] for o in data["organizations"]] == [cast.org_a.slug]


def test_openapi_schema_is_generated(cast):
    response = APIClient().get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/o/{org_slug}/departments/" in paths


def test_shadow_event_push_and_upload_via_the_api(cast, settings, tmp_path):
    """Push events (idempotent per id), upload a file (a duplicate the second time), read
    the upload's status and rejected rows; another organisation sees none of it."""
    import io
    import time

    from shadow_ai.models import LogSource

    settings.SHADOW_AI_UPLOAD_DIR = tmp_path
    client = token_client(cast.alice)
    push = reverse("api:shadow-event-list", kwargs={"org_slug": cast.org_a.slug})
    now = time.time()
    events = [
        {"id": "e1", "ts": "2026-01-01T00:00:00Z", "user": "a@x.example", "host": "claude.ai"},
        {"id": "e2", "ts": "2099-01-01T00:00:00Z", "user": "a@x.example", "host": "claude.ai"},
    ]
    events[0]["ts"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60))
    first = client.post(push, {"events": events}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["accepted"] == 1
    assert first.json()["rejected"] == [{"index": 1, "reason": "timestamp in the future"}]
    again = client.post(push, {"events": events[:1]}, format="json").json()
    assert (again["accepted"], again["duplicate"]) == (0, 1)
    too_many = client.post(push, {"events": [events[0]] * 10_001}, format="json")
    assert too_many.status_code == 400

    with org_context(cast.org_a):
        source = LogSource.objects.create(organization=cast.org_a, name="proxy", format="squid")
    uploads = reverse("api:shadow-upload-list", kwargs={"org_slug": cast.org_a.slug})
    line = f"{now - 30:.3f} 5 10.0.0.1 TCP_TUNNEL/200 10 CONNECT claude.ai:443 bo -\n"
    content = (line + "nonsense\n").encode()
    created = client.post(
        uploads, {"file": io.BytesIO(content), "source": source.pk}, format="multipart"
    )
    assert created.status_code == 201, created.content
    upload_id = created.json()["upload"]["id"]
    duplicate = client.post(
        uploads, {"file": io.BytesIO(content), "source": source.pk}, format="multipart"
    )
    assert duplicate.status_code == 200 and duplicate.json()["duplicate"] is True
    binary = client.post(
        uploads,
        {"file": io.BytesIO(b"\x00\x01\x02" * 10), "source": source.pk},
        format="multipart",
    )
    assert binary.status_code == 409 and "binary" in str(binary.json())

    from shadow_ai.services.ingest import upload_process

    upload_process(org_id=cast.org_a.pk, upload_id=upload_id)
    detail = reverse(
        "api:shadow-upload-detail", kwargs={"org_slug": cast.org_a.slug, "pk": upload_id}
    )
    status = client.get(detail).json()
    assert (status["status"], status["accepted"], status["rejected"]) == ("done", 1, 1)
    rejected = client.get(detail + "rejected/").json()["results"]
    assert rejected[0]["line_no"] == 2 and "Squid" in rejected[0]["reason"]
    assert token_client(cast.bob).get(detail).status_code == 404
    # Globex's admin pushing to Acme gets 404; naming Acme's source in Globex is refused.
    assert token_client(cast.bob).post(push, {"events": events}, format="json").status_code == 404
    b_uploads = reverse("api:shadow-upload-list", kwargs={"org_slug": cast.org_b.slug})
    foreign = token_client(cast.bob).post(
        b_uploads, {"file": io.BytesIO(b"x y z\n"), "source": source.pk}, format="multipart"
    )
    assert foreign.status_code == 409


def test_integrator_token_pushes_events_and_reads_nothing(cast):
    import time

    from shadow_ai.services.governance import integrator_token_create

    with org_context(cast.org_a):
        key = integrator_token_create(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            name="NSS feed",
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    push = reverse("api:shadow-event-list", kwargs={"org_slug": cast.org_a.slug})
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    event = {"id": "i1", "ts": ts, "user": "a@x.example", "host": "claude.ai"}
    response = client.post(push, {"events": [event]}, format="json")
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert client.get(url("api:shadow-upload-list", cast)).status_code == 403
    b_push = reverse("api:shadow-event-list", kwargs={"org_slug": cast.org_b.slug})
    assert client.post(b_push, {"events": [event]}, format="json").status_code == 404
