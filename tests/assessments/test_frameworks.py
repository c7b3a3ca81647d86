"""The shipped frameworks meet the content rules, and install as versioned data."""

import json
from collections import Counter

import pytest
from django.urls import reverse

from assessments.models import FrameworkVersion, Item
from assessments.services.frameworks import framework_install, shipped_files, validate_definition
from audit.models import AuditEvent
from tenancy.context import org_context


def load(slug):
    return json.loads(shipped_files()[slug].read_text())


@pytest.mark.parametrize("slug", ["ai-fluency-4d", "ai-literacy-ft"])
def test_shipped_frameworks_are_valid(slug):
    validate_definition(load(slug))


def test_default_framework_content_rules():
    data = load("ai-fluency-4d")
    assert [c["key"] for c in data["competencies"]] == [
        "delegation",
        "description",
        "discernment",
        "diligence",
    ]
    assert [lv["key"] for lv in data["levels"]] == [
        "unacceptable",
        "capable",
        "adoptive",
        "transformative",
    ]
    scored = [i for i in data["items"] if i["type"] != "attitude"]
    assert len(scored) >= 48
    per_competency = Counter(i["competency"] for i in scored)
    assert min(per_competency.values()) >= 12, per_competency
    modes = Counter((i["competency"], i["mode"]) for i in data["items"])
    for competency in per_competency:
        for mode in ("automation", "augmentation", "agency"):
            assert modes[(competency, mode)] >= 1, (competency, mode)
    tracks = Counter(i["track"] for i in data["items"] if i["track"])
    for track in ("engineering", "marketing", "customer_support", "hr", "finance"):
        assert tracks[track] >= 3, tracks
    types = Counter(i["type"] for i in data["items"])
    assert types["prompt_rewrite"] >= 1 and types["error_spotting"] >= 1
    assert types["multi_select"] >= 4 and types["frequency"] >= 4 and types["attitude"] >= 1
    for competency in per_competency:
        for level in data["levels"]:
            plan = data["learning_plans"][competency][level["key"]]
            assert plan["guidance"] and plan["exercises"]


def test_install_is_idempotent_and_per_organisation(cast):
    with org_context(cast.org_a):
        first = framework_install(organization=cast.org_a)
        again = framework_install(organization=cast.org_a)
    with org_context(cast.org_b):
        other = framework_install(organization=cast.org_b)
    assert first.pk == again.pk and other.pk != first.pk
    with org_context(cast.org_a):
        assert FrameworkVersion.objects.count() == 1
        assert Item.objects.count() == len(load("ai-fluency-4d")["items"])


def test_reading_the_framework_and_campaign_pages_installs_nothing(client_for, cast):
    client = client_for(cast.alice)
    for name in ("assessments:frameworks", "assessments:campaigns"):
        response = client.get(reverse(name, kwargs={"org_slug": cast.org_a.slug}))
        assert response.status_code == 200
    with org_context(cast.org_a):
        assert not FrameworkVersion.objects.exists()
    page = client.get(reverse("assessments:frameworks", kwargs={"org_slug": cast.org_a.slug}))
    assert set(shipped_files()) <= {f["slug"] for f in page.context["to_install"]}


def test_an_admin_installs_a_shipped_framework_by_posting_and_it_is_audited(client_for, cast):
    url = reverse("assessments:frameworks", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).post(url, {"action": "install", "slug": "ai-fluency-4d"})
    assert response.status_code == 302
    with org_context(cast.org_a):
        version = FrameworkVersion.objects.get(framework__slug="ai-fluency-4d")
        event = AuditEvent.objects.get(action="framework.installed")
    assert version.status == "published"
    assert (event.actor, event.target_id) == (cast.alice, str(version.pk))
    page = client_for(cast.alice).get(url)
    assert "ai-fluency-4d" not in {f["slug"] for f in page.context["to_install"]}
    with org_context(cast.org_b):
        assert not FrameworkVersion.objects.exists()


def test_installing_an_unknown_framework_says_so_and_installs_nothing(client_for, cast):
    url = reverse("assessments:frameworks", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).post(
        url, {"action": "install", "slug": "no-such"}, follow=True
    )
    assert "No shipped framework" in response.content.decode()
    with org_context(cast.org_a):
        assert not FrameworkVersion.objects.exists()


def test_only_admins_install_frameworks(client_for, cast):
    url = reverse("assessments:frameworks", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.erin).post(url, {"action": "install", "slug": "ai-fluency-4d"})
    assert response.status_code == 403
    with org_context(cast.org_a):
        assert not FrameworkVersion.objects.exists()
