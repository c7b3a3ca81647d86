"""Every page under /o/<org>/: anonymous -> login, outsider -> 404, wrong role -> 403.

The table below must name every organisation URL (test_every_org_url_is_covered), so a new
page cannot ship without its isolation test.
"""

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

# url name -> (extra kwargs builder, members of org_a who may open it, expected OK status)
PAGES = {
    "core:org_home": (lambda c: {}, EVERYONE, 302),
    "core:admin_home": (lambda c: {}, ADMIN, 200),
    "core:executive_home": (lambda c: {}, LEADERS, 200),
    "core:manager_home": (lambda c: {}, MANAGERS, 200),
    "core:employee_home": (lambda c: {}, EVERYONE, 200),
    "tenancy:members": (lambda c: {}, ADMIN, 200),
    "tenancy:member_import": (lambda c: {}, ADMIN, 200),
    "tenancy:member_edit": (lambda c: {"pk": c.member("emil").pk}, ADMIN, 200),
    "tenancy:departments": (lambda c: {}, ADMIN, 200),
    "tenancy:invitations": (lambda c: {}, ADMIN, 200),
    "tenancy:invitation_revoke": (lambda c: {"pk": c.invitation.pk}, ADMIN, 302),
    "tenancy:settings": (lambda c: {}, ADMIN, 200),
    "audit:list": (lambda c: {}, ADMIN, 200),
    "ops:status": (lambda c: {}, ADMIN, 200),
    "slm:model_operations": (lambda c: {}, ADMIN, 200),
    "slm:review_queue": (lambda c: {}, ADMIN, 200),
    "slm:llm_endpoint": (lambda c: {}, ADMIN, 200),
    "assessments:mine": (lambda c: {}, EVERYONE, 200),
    "assessments:take": (lambda c: {"campaign_id": c.campaign.pk}, EVERYONE, 200),
    "assessments:campaigns": (lambda c: {}, ADMIN, 200),
    "assessments:frameworks": (lambda c: {}, ADMIN, 200),
    "assessments:version_edit": (lambda c: {"pk": c.campaign.version_id}, ADMIN, 200),
    "assessments:analytics": (lambda c: {}, MANAGERS, 200),
    # Own attempts only: everyone else gets 404, whatever their role.
    "assessments:result": (lambda c: {"pk": c.attempt.pk}, {"emil"}, 200, 404),
    "assessments:save_answer": (
        lambda c: {"pk": c.attempt.pk, "item_id": c.item.pk},
        {"emil"},
        400,
        404,
    ),
    "slm:review_decide": (lambda c: {"pk": c.review_item.pk}, ADMIN, 302),
}
POST_ONLY = {"tenancy:invitation_revoke", "slm:review_decide", "assessments:save_answer"}


@pytest.fixture
def cast_with_invitation(cast):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Attempt, Campaign, Item
    from assessments.services.frameworks import framework_install
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
        cast.review_item = ReviewItem.objects.create(
            organization=cast.org_a,
            task="classify",
            input_text="x",
            model_output={"label": "a"},
            confidence=0.2,
        )
    return cast


def url_for(name, cast, org=None):
    kwargs_builder = PAGES[name][0]
    return reverse(name, kwargs={"org_slug": (org or cast.org_a).slug, **kwargs_builder(cast)})


def fetch(client, name, url):
    return client.post(url) if name in POST_ONLY else client.get(url)


def test_every_org_url_is_covered():
    from django.urls import get_resolver

    org_pages = {
        f"{view_class(pattern.callback).__module__.split('.')[0]}:{pattern.name}"
        for route, pattern in iter_patterns(get_resolver())
        if "<slug:org_slug>" in route and not route.startswith("api/")
    }
    assert org_pages == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_login(client, cast_with_invitation, name):
    response = fetch(client, name, url_for(name, cast_with_invitation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_member_of_another_organisation_gets_404(client_for, cast_with_invitation, name):
    # Bob is an admin - of Globex. Acme's pages do not exist for him.
    response = fetch(
        client_for(cast_with_invitation.bob), name, url_for(name, cast_with_invitation)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(PAGES))
def test_outsider_gets_404(client_for, cast_with_invitation, name):
    response = fetch(
        client_for(cast_with_invitation.olga), name, url_for(name, cast_with_invitation)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(PAGES))
def test_roles(client_for, cast_with_invitation, name):
    cast = cast_with_invitation
    allowed, ok_status = PAGES[name][1], PAGES[name][2]
    denied_status = PAGES[name][3] if len(PAGES[name]) > 3 else 403
    for person in sorted(EVERYONE):
        response = fetch(client_for(getattr(cast, person)), name, url_for(name, cast))
        expected = ok_status if person in allowed else denied_status
        assert response.status_code == expected, (person, response.status_code)
        if name in POST_ONLY and person in allowed:
            break  # revoking twice is harmless but the first call is the one that matters


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
