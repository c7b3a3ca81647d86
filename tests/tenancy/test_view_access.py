"""Every page under /o/<org>/: anonymous -> login, outsider -> 404, wrong role -> 403.

The table below must name every organisation URL (test_every_org_url_is_covered), so a new
page cannot ship without its isolation test.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tenancy.checks import iter_patterns, view_class
from tenancy.models import Invitation
from tests.factories import InvitationFactory

pytestmark = pytest.mark.cross_tenant

ADMIN = {"alice"}
LEADERS = {"alice", "erin"}
MANAGERS = {"alice", "erin", "mona"}
EVERYONE = {"alice", "erin", "mona", "emil"}


@dataclass(frozen=True)
class Page:
    kwargs: Callable  # cast -> extra URL kwargs
    allowed: set[str]  # members of org_a who may use it
    ok: dict[str, int]  # method -> status for an allowed member (POST: an empty form)
    denied: int = 403  # status for the other members of org_a
    data: Callable = lambda c: {}  # cast -> POST data (default: an empty form)

    def methods(self) -> list[str]:
        # Django answers HEAD wherever it answers GET: the role check must hold there too.
        return sorted({*self.ok, *(["head"] if "get" in self.ok else [])})

    def expected(self, person: str, method: str) -> int:
        if person not in self.allowed:
            return self.denied
        return self.ok["get" if method == "head" else method]


GET = {"get": 200}
FORM = {"get": 200, "post": 400}  # an empty form is refused with its errors

# url name -> what each member of org_a gets, for every method the view accepts
PAGES = {
    "core:org_home": Page(lambda c: {}, EVERYONE, {"get": 302}),
    "core:admin_home": Page(lambda c: {}, ADMIN, GET),
    "core:executive_home": Page(lambda c: {}, LEADERS, {"get": 200, "post": 302}),  # refresh
    "core:manager_home": Page(lambda c: {}, MANAGERS, GET),
    "core:employee_home": Page(lambda c: {}, EVERYONE, GET),
    "tenancy:members": Page(lambda c: {}, ADMIN, GET),
    "tenancy:member_import": Page(lambda c: {}, ADMIN, FORM),
    "tenancy:member_edit": Page(lambda c: {"pk": c.member("emil").pk}, ADMIN, FORM),
    "tenancy:departments": Page(lambda c: {}, ADMIN, FORM),
    "tenancy:invitations": Page(lambda c: {}, ADMIN, FORM),
    "tenancy:invitation_revoke": Page(lambda c: {"pk": c.invitation.pk}, ADMIN, {"post": 302}),
    "tenancy:settings": Page(lambda c: {}, ADMIN, FORM),
    "audit:list": Page(lambda c: {}, ADMIN, GET),
    "ops:status": Page(lambda c: {}, ADMIN, GET),
    "slm:model_operations": Page(lambda c: {}, ADMIN, GET),
    "slm:review_queue": Page(lambda c: {}, ADMIN, GET),
    "slm:llm_endpoint": Page(lambda c: {}, ADMIN, FORM),
    "slm:review_decide": Page(lambda c: {"pk": c.review_item.pk}, ADMIN, {"post": 302}),
    "assessments:mine": Page(lambda c: {}, EVERYONE, GET),
    "assessments:take": Page(
        lambda c: {"campaign_id": c.campaign.pk}, EVERYONE, {"get": 200, "post": 302}
    ),
    # No retake allowed (the default policy): the latest attempt, or a new one, is opened.
    "assessments:retake": Page(lambda c: {"campaign_id": c.campaign.pk}, EVERYONE, {"post": 302}),
    "assessments:campaigns": Page(lambda c: {}, ADMIN, FORM),
    "assessments:frameworks": Page(
        lambda c: {},
        ADMIN,
        {"get": 200, "post": 302},
        data=lambda c: {"version": c.campaign.version_id, "action": "clone"},
    ),
    "assessments:version_edit": Page(
        lambda c: {"pk": c.campaign.version_id},
        ADMIN,
        FORM,
        data=lambda c: {"action": "levels"},  # no thresholds given: refused
    ),
    "assessments:analytics": Page(lambda c: {}, MANAGERS, GET),
    "assessments:article4": Page(lambda c: {}, LEADERS, GET),
    "assessments:article4_export_csv": Page(lambda c: {}, ADMIN, GET),
    "assessments:article4_export_pdf": Page(lambda c: {}, ADMIN, GET),
    # Own attempts only: everyone else gets 404, whatever their role. The attempt is not
    # submitted yet, so its result and certificate lead back to the assessment (302).
    "assessments:result": Page(lambda c: {"pk": c.attempt.pk}, {"emil"}, {"get": 302}, denied=404),
    "assessments:certificate": Page(
        lambda c: {"pk": c.attempt.pk}, {"emil"}, {"get": 302}, denied=404
    ),
    "assessments:save_answer": Page(
        lambda c: {"pk": c.attempt.pk, "item_id": c.item.pk}, {"emil"}, {"post": 400}, denied=404
    ),
    "roi:use_cases": Page(lambda c: {}, EVERYONE, GET),
    "roi:use_case_propose": Page(lambda c: {}, EVERYONE, FORM),
    "roi:use_case_import": Page(lambda c: {}, ADMIN, FORM),
    "roi:use_case_detail": Page(lambda c: {"pk": c.use_case.pk}, EVERYONE, GET),
    "roi:use_case_edit": Page(lambda c: {"pk": c.use_case.pk}, ADMIN, FORM),
    "roi:use_case_transition": Page(lambda c: {"pk": c.use_case.pk}, LEADERS, {"post": 400}),
    "roi:use_case_scores": Page(lambda c: {"pk": c.use_case.pk}, ADMIN, FORM),
    "roi:metric_add": Page(lambda c: {"pk": c.use_case.pk}, ADMIN, FORM),
    "roi:measurements": Page(lambda c: {"pk": c.use_case.pk}, ADMIN, FORM),
    "roi:cost_add": Page(lambda c: {"pk": c.use_case.pk}, ADMIN, FORM),
    "roi:priorities": Page(lambda c: {}, LEADERS, GET),
    "roi:weights": Page(lambda c: {}, ADMIN, {"post": 400}),
    "roi:criterion_add": Page(lambda c: {}, ADMIN, {"post": 400}),
    "roi:portfolio": Page(lambda c: {}, LEADERS, GET),
    "roi:settings": Page(lambda c: {}, ADMIN, FORM),
    "reports:list": Page(lambda c: {}, LEADERS, GET),
    "reports:start": Page(lambda c: {}, ADMIN, {"post": 400}),
    # A published report: executives read it (a draft is a 404 for them: tests/reports).
    "reports:detail": Page(lambda c: {"pk": c.report.pk}, LEADERS, GET),
    "reports:progress": Page(lambda c: {"pk": c.report.pk}, ADMIN, GET),
    "reports:section_edit": Page(lambda c: {"pk": c.report.pk, "key": "summary"}, ADMIN, FORM),
    "reports:refresh": Page(lambda c: {"pk": c.report.pk}, ADMIN, {"post": 302}),
    "reports:approve": Page(lambda c: {"pk": c.report.pk}, ADMIN, {"post": 302}),
    "reports:publish": Page(lambda c: {"pk": c.report.pk}, ADMIN, {"post": 302}),
    "reports:pdf": Page(lambda c: {"pk": c.report.pk}, LEADERS, GET),
    "reports:facts_zip": Page(lambda c: {"pk": c.report.pk}, LEADERS, GET),
    # Shadow AI governance (shadowgov)
    "shadow_ai:inventory": Page(lambda c: {}, LEADERS, GET),
    "shadow_ai:tool": Page(lambda c: {"pk": c.shadow_tool.pk}, LEADERS, GET),
    "shadow_ai:tool_status": Page(lambda c: {"pk": c.shadow_tool.pk}, ADMIN, {"post": 400}),
    "shadow_ai:tool_people": Page(lambda c: {"pk": c.shadow_tool.pk}, ADMIN, GET),
    "shadow_ai:heatmap": Page(lambda c: {}, LEADERS, GET),
    "shadow_ai:insights": Page(lambda c: {}, LEADERS, GET),
    "shadow_ai:catalogue": Page(lambda c: {}, ADMIN, FORM),
    "shadow_ai:review": Page(lambda c: {}, ADMIN, GET),
    "shadow_ai:blocklist": Page(lambda c: {}, ADMIN, GET),
    "shadow_ai:declare": Page(lambda c: {}, EVERYONE, FORM),
    "shadow_ai:settings": Page(lambda c: {}, ADMIN, FORM, data=lambda c: {"action": "token"}),
    "core:shadow_use_case": Page(lambda c: {}, ADMIN, {"post": 400}),
    # Shadow AI ingestion (shadowcore)
    "shadow_ai:sources": Page(lambda c: {}, ADMIN, FORM),
    "shadow_ai:uploads": Page(lambda c: {}, ADMIN, GET),
    "shadow_ai:upload": Page(lambda c: {}, ADMIN, FORM),
    "shadow_ai:upload_detail": Page(lambda c: {"pk": c.shadow_upload.pk}, ADMIN, GET),
    "shadow_ai:identities": Page(lambda c: {}, ADMIN, FORM),
}
CASES = [(name, method) for name in sorted(PAGES) for method in PAGES[name].methods()]


@pytest.fixture
def cast_with_invitation(cast):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Attempt, Campaign, Item
    from assessments.services.frameworks import framework_install
    from roi.models import UseCase
    from slm.models import ReviewItem
    from tenancy.context import org_context
    from tests.assessments.conftest import MINI

    with org_context(cast.org_a):
        version = framework_install(organization=cast.org_a, path=MINI)
        now = timezone.now()
        cast.campaign = Campaign.objects.create(
            organization=cast.org_a,
            name="Open",
            version=version,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
        cast.attempt = Attempt.objects.create(
            organization=cast.org_a,
            campaign=cast.campaign,
            membership=cast.member("emil"),
            version=version,
        )
        cast.item = Item.objects.get(version=version, key="d1")
        cast.invitation = InvitationFactory(organization=cast.org_a)
        cast.use_case = UseCase.objects.create(organization=cast.org_a, title="Triage", problem="x")
        from shadow_ai.models import Tool

        cast.shadow_tool = Tool.objects.create(
            organization=cast.org_a, name="llmhub.example", source="discovered"
        )
        from shadow_ai.models import Upload

        cast.shadow_upload = Upload.objects.create(
            organization=cast.org_a, kind="push", status="done"
        )
        cast.review_item = ReviewItem.objects.create(
            organization=cast.org_a,
            task="classify",
            input_text="x",
            model_output={"label": "a"},
            confidence=0.2,
        )
    from tests.reports.conftest import write_report

    cast.report = write_report(cast.org_a, cast.alice, publish=True)
    return cast


def url_for(name, cast, org=None):
    return reverse(name, kwargs={"org_slug": (org or cast.org_a).slug, **PAGES[name].kwargs(cast)})


def fetch(client, method, name, cast):
    url = url_for(name, cast)
    if method == "post":
        return client.post(url, PAGES[name].data(cast))
    return getattr(client, method)(url)


def test_every_org_url_is_covered_with_every_method_it_accepts():
    from django.urls import get_resolver

    accepted = {}
    for route, pattern in iter_patterns(get_resolver()):
        if "<slug:org_slug>" not in route or route.startswith("api/"):
            continue
        view = view_class(pattern.callback)
        name = f"{view.__module__.split('.')[0]}:{pattern.name}"
        accepted[name] = {
            method
            for method in view.http_method_names
            if method not in {"options", "head"} and hasattr(view, method)
        }
    assert set(accepted) == set(PAGES)
    assert {name: set(page.ok) for name, page in PAGES.items()} == accepted


@pytest.mark.parametrize(("name", "method"), CASES)
def test_anonymous_is_sent_to_login(client, cast_with_invitation, name, method):
    response = fetch(client, method, name, cast_with_invitation)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "method"), CASES)
def test_member_of_another_organisation_gets_404(client_for, cast_with_invitation, name, method):
    # Bob is an admin - of Globex. Acme's pages do not exist for him.
    client = client_for(cast_with_invitation.bob)
    response = fetch(client, method, name, cast_with_invitation)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), CASES)
def test_outsider_gets_404(client_for, cast_with_invitation, name, method):
    client = client_for(cast_with_invitation.olga)
    response = fetch(client, method, name, cast_with_invitation)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), CASES)
def test_roles(client_for, cast_with_invitation, name, method):
    """Every member of org_a, on every route, with every method: none is skipped.

    Members who are refused go first, so that an allowed member's action (revoking the
    invitation, deciding the review item) cannot change what they see.
    """
    cast, page = cast_with_invitation, PAGES[name]
    people = sorted(EVERYONE, key=lambda person: (person in page.allowed, person))
    seen = {}
    for person in people:
        response = fetch(client_for(getattr(cast, person)), method, name, cast)
        seen[person] = response.status_code
    assert seen == {person: page.expected(person, method) for person in people}


def test_unknown_organisation_is_404_like_a_foreign_one(client_for, cast):
    response = client_for(cast.alice).get("/o/no-such-org/admin/")
    assert response.status_code == 404


def test_object_of_another_organisation_is_404_inside_own_organisation(client_for, cast):
    # Alice edits a membership id that belongs to Globex, through Acme's URL.
    url = reverse(
        "tenancy:member_edit", kwargs={"org_slug": cast.org_a.slug, "pk": cast.member("bob").pk}
    )
    assert client_for(cast.alice).get(url).status_code == 404
    response = client_for(cast.alice).post(url, {"role": "employee"})
    assert response.status_code == 404
    from tenancy.context import org_context

    with org_context(cast.org_b):
        assert type(cast.member("bob")).objects.get(pk=cast.member("bob").pk).role == "admin"


def test_revoking_another_organisations_invitation_is_404(client_for, cast):
    from tenancy.context import org_context

    with org_context(cast.org_a):
        foreign = InvitationFactory(organization=cast.org_b)
    url = reverse(
        "tenancy:invitation_revoke", kwargs={"org_slug": cast.org_a.slug, "pk": foreign.pk}
    )
    assert client_for(cast.alice).post(url).status_code == 404
    with org_context(cast.org_b):
        assert Invitation.objects.get(pk=foreign.pk).revoked_at is None


def test_another_organisations_upload_is_404_inside_own_organisation(client_for, cast):
    from shadow_ai.models import Upload
    from tenancy.context import org_context

    with org_context(cast.org_b):
        foreign = Upload.objects.create(organization=cast.org_b, kind="push", status="done")
    url = reverse("shadow_ai:upload_detail", kwargs={"org_slug": cast.org_a.slug, "pk": foreign.pk})
    assert client_for(cast.alice).get(url).status_code == 404
