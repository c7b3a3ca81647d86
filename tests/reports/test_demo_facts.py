"""The facts of the seeded demo organisation are the module pages' own figures, and the
demo leaves Acme with a published report for the last quarter and a draft for this one."""

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Campaign
from assessments.selectors import analytics, article4
from reports.facts import facts_document, flat
from reports.models import Report
from reports.selectors import current_period, last_complete_period
from roi.models import Stage
from roi.selectors.returns import portfolio
from tenancy.context import org_context
from tenancy.models import Membership, Organization, Role


def test_facts_of_the_seeded_organisation_match_the_module_pages(db, client):
    call_command("seed_demo", employees=60)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        facts = flat(facts_document(acme, current_period()))
        scope = analytics.Scope(acme)
        campaigns = list(Campaign.objects.order_by("-opens_at"))
        shown = analytics.default_campaign(scope, campaigns)
        summary = analytics.campaign_summary(scope, shown)
        data = portfolio(acme)
        coverage = article4.coverage(acme)["total"]
        executive = Membership.objects.filter(role=Role.EXECUTIVE).select_related("user").first()
        reports = {r.period: r.status for r in Report.objects.all()}
    assert reports == {last_complete_period().label: "published", current_period().label: "draft"}
    assert facts["fluency.campaign"]["value"] == shown.name
    assert facts["fluency.share_at_bar"]["value"] == round(100 * summary.share_at_or_above)
    assert facts["fluency.assessed"]["value"] == summary.respondents
    assert facts["fluency.article4_coverage"]["value"] == coverage.share_percent
    assert facts["roi.realised_value"]["value"] == round(data.total.summary.value)
    assert facts["roi.invested"]["value"] == round(data.total.summary.invested)
    assert facts["roi.in_production"]["value"] == data.stage_counts[Stage.PRODUCTION]
    assert facts["roi.pilot_conversion"]["value"] == round(100 * data.conversion)
    assert facts["roi.pilots_failing_graduation"]["value"] == 1
    # The pages themselves show the same figures.
    client.force_login(executive.user)
    slug = {"org_slug": acme.slug}
    fluency_page = client.get(reverse("assessments:analytics", kwargs=slug)).content.decode()
    assert f"{facts['fluency.share_at_bar']['value']}%" in fluency_page
    assert shown.name in fluency_page
    roi_page = client.get(reverse("roi:portfolio", kwargs=slug)).content.decode()
    assert f"{facts['roi.realised_value']['value']:,}" in roi_page
    home = client.get(reverse("core:executive_home", kwargs=slug)).content.decode()
    assert f"USD {facts['roi.realised_value']['value']:,}" in home
    assert f"{facts['fluency.share_at_bar']['value']}%" in home


def test_analytics_opens_on_the_latest_campaign_with_enough_results(db, client):
    call_command("seed_demo", employees=60)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        # The demo's newest campaign (the Q4 check-in) has too few results to show.
        latest_with_results = Campaign.objects.get(name="AI fluency follow-up (Q3)")
        now = timezone.now()
        empty = Campaign.objects.create(
            organization=acme,
            name="Brand-new campaign",
            version=latest_with_results.version,
            opens_at=now,
            closes_at=now + timedelta(days=14),
        )
        admin = Membership.objects.filter(role=Role.ADMIN).select_related("user").first()
    client.force_login(admin.user)
    url = reverse("assessments:analytics", kwargs={"org_slug": acme.slug})
    page = client.get(url).content.decode()
    assert f'<option value="{latest_with_results.pk}" selected>' in page
    chosen = client.get(url, {"campaign": empty.pk}).content.decode()
    assert "No department has enough results" in chosen  # the empty heatmap says what to do
