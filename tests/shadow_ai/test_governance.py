"""Sanction status (audited), declarations, block list, integrator tokens, use cases."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from shadow_ai.models import CatalogueTool, Declaration, Tool
from shadow_ai.selectors.inventory import blocklist_domains, squid_acl
from shadow_ai.services import governance
from tenancy.context import org_context


@pytest.fixture
def tool(cast):
    with org_context(cast.org_a):
        return Tool.objects.create(
            organization=cast.org_a,
            name="llmhub.io",
            domains=["llmhub.io"],
            source="discovered",
        )


def test_every_status_change_is_audited(cast, tool):
    with org_context(cast.org_a):
        governance.tool_status_set(tool=tool, actor=cast.alice, status="prohibited")
        governance.tool_status_set(
            tool=tool, actor=cast.alice, status="approved_with_conditions", conditions="no PII"
        )
        events = list(AuditEvent.objects.filter(action="shadow_tool.status_changed").order_by("pk"))
    assert [(e.before["status"], e.after["status"]) for e in events] == [
        ("unreviewed", "prohibited"),
        ("prohibited", "approved_with_conditions"),
    ]
    assert events[1].after["conditions"] == "no PII"


@pytest.mark.parametrize(
    ("status", "conditions", "field"),
    [
        ("unreviewed", "", "status"),
        ("banned", "", "status"),
        ("approved_with_conditions", " ", "conditions"),
    ],
)
def test_a_bad_status_is_refused_and_nothing_changes(cast, tool, status, conditions, field):
    with org_context(cast.org_a):
        with pytest.raises(ValidationError) as exc:
            governance.tool_status_set(
                tool=tool, actor=cast.alice, status=status, conditions=conditions
            )
        assert field in exc.value.message_dict
        tool.refresh_from_db()
        assert tool.status == "unreviewed"
        assert not AuditEvent.objects.filter(action="shadow_tool.status_changed").exists()


def test_the_block_list_has_prohibited_domains_with_catalogue_domains_and_a_squid_acl(cast, tool):
    entry = CatalogueTool.objects.create(
        key="deepseek",
        name="DeepSeek",
        vendor="DeepSeek",
        category="chat",
        domains=["deepseek.com", "chat.deepseek.com", "bedrock-runtime.*.amazonaws.com"],
    )
    with org_context(cast.org_a):
        governance.tool_status_set(tool=tool, actor=cast.alice, status="prohibited")
        catalogue_tool = governance.tool_for_catalogue(
            organization=cast.org_a, catalogue_tool=entry
        )
        governance.tool_status_set(tool=catalogue_tool, actor=cast.alice, status="prohibited")
        Tool.objects.create(
            organization=cast.org_a,
            name="ok.example",
            domains=["ok.example"],
            source="discovered",
            status="approved",
        )
        domains = blocklist_domains()
    assert domains == [
        "bedrock-runtime.*.amazonaws.com",
        "chat.deepseek.com",
        "deepseek.com",
        "llmhub.io",
    ]
    acl = squid_acl(domains)
    assert "acl shadow_ai_prohibited dstdomain .deepseek.com\n" in acl
    assert "acl shadow_ai_prohibited dstdomain .llmhub.io\n" in acl
    assert r"dstdom_regex -i (^|\.)bedrock-runtime\.[^.]+\.amazonaws\.com$" in acl
    assert acl.rstrip().endswith("http_access deny shadow_ai_prohibited")
    assert "ok.example" not in acl


def test_the_block_list_downloads(client_for, cast, tool):
    with org_context(cast.org_a):
        governance.tool_status_set(tool=tool, actor=cast.alice, status="prohibited")
    url = reverse("shadow_ai:blocklist", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    assert client.get(url + "?format=txt").content == b"llmhub.io\n"
    assert b"dstdomain .llmhub.io" in client.get(url + "?format=squid").content
    assert client.get(url + "?format=pdf").status_code == 404


def test_another_organisations_tool_cannot_be_decided(client_for, cast, tool):
    url = reverse("shadow_ai:tool_status", kwargs={"org_slug": cast.org_b.slug, "pk": tool.pk})
    assert client_for(cast.bob).post(url, {"status": "prohibited"}).status_code == 404
    with org_context(cast.org_a):
        tool.refresh_from_db()
    assert tool.status == "unreviewed"


def test_a_declaration_is_saved_and_validated(cast):
    emil = cast.member("emil")
    with org_context(cast.org_a):
        d = governance.declaration_save(
            membership=emil,
            tool_name=" ChatGPT ",
            tasks=["writing"],
            frequency="daily",
            pays_personally=True,
            monthly_personal_cost="20",
        )
        assert (d.tool_name, d.monthly_personal_cost) == ("ChatGPT", Decimal("20.00"))
        with pytest.raises(ValidationError) as exc:
            governance.declaration_save(
                membership=emil,
                tool_name="",
                tasks=["poetry"],
                frequency="hourly",
                pays_personally=True,
                monthly_personal_cost="lots",
            )
        assert set(exc.value.message_dict) == {
            "tool_name",
            "tasks",
            "frequency",
            "monthly_personal_cost",
        }
        assert Declaration.objects.count() == 1
        # Someone else's declaration cannot be changed.
        with pytest.raises(ValidationError):
            governance.declaration_save(
                membership=cast.member("mona"),
                tool_name="x",
                tasks=[],
                frequency="daily",
                pays_personally=False,
                declaration=d,
            )


def test_the_declaration_form_says_answers_never_count_against_anyone(client_for, cast):
    url = reverse("shadow_ai:declare", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.emil)
    page = client.get(url).content.decode()
    assert "never count against anyone" in page
    response = client.post(
        url, {"tool_name": "DeepL", "tasks": ["translation"], "frequency": "weekly"}
    )
    assert response.status_code == 302
    with org_context(cast.org_a):
        assert Declaration.objects.get().membership == cast.member("emil")


def _push(client, org, *, event_id="e1"):
    from django.utils import timezone

    url = reverse("api:shadow-event-list", kwargs={"org_slug": org.slug})
    event = {
        "id": event_id,
        "ts": timezone.now().isoformat(),
        "user": "alice@example.com",
        "host": "chatgpt.com",
    }
    return client.post(url, {"events": [event]}, format="json")


def test_an_integrator_token_pushes_events_and_reads_nothing(cast):
    """The real push endpoint (shadowcore's) accepts the scoped token; nothing else does."""
    with org_context(cast.org_a):
        key = governance.integrator_token_create(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            name="Zscaler feed",
        )
        assert AuditEvent.objects.filter(action="integrator_token.created").exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    # Everything else refuses it: organisation endpoints and a non-organisation one.
    assert (
        client.get(reverse("api:department-list", kwargs={"org_slug": cast.org_a.slug})).status_code
        == 403
    )
    assert (
        client.get(
            reverse("api:shadow-tool-list", kwargs={"org_slug": cast.org_a.slug})
        ).status_code
        == 403
    )
    assert client.get("/api/v1/me/").status_code == 403
    # The push endpoint accepts it.
    response = _push(client, cast.org_a)
    assert response.status_code in (200, 201), response.content
    assert response.json()["accepted"] == 1


def test_an_integrator_token_does_not_work_in_another_organisation(cast):
    """Alice's token for Acme, used on Globex where she is an admin too: 404."""
    from tests.factories import MembershipFactory

    MembershipFactory(organization=cast.org_b, user=cast.alice, role="admin")
    with org_context(cast.org_a):
        key = governance.integrator_token_create(
            organization=cast.org_a, actor=cast.alice, membership=cast.member("alice"), name="feed"
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert _push(client, cast.org_b).status_code == 404


def test_a_personal_token_still_works_beside_an_integrator_token(cast):
    from accounts.services import api_token_regenerate

    with org_context(cast.org_a):
        governance.integrator_token_create(
            organization=cast.org_a, actor=cast.alice, membership=cast.member("alice"), name="feed"
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=cast.alice)}")
    assert (
        client.get(reverse("api:department-list", kwargs={"org_slug": cast.org_a.slug})).status_code
        == 200
    )
    from accounts.models import ApiToken

    assert ApiToken.objects.filter(user=cast.alice).count() == 2


def test_only_an_admin_creates_an_integrator_token(cast):
    with org_context(cast.org_a), pytest.raises(ValidationError):
        governance.integrator_token_create(
            organization=cast.org_a, actor=cast.erin, membership=cast.member("erin"), name="x"
        )
