"""The inventory, heatmap and insights: figures from rollups, through privacy; the risk
score and its inputs on the page; individual views; from shadow to strategy; the facts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from shadow_ai.models import CatalogueTool, DailyRollup, Declaration, IdentityAlias, Tool
from shadow_ai.selectors import insights
from shadow_ai.selectors.inventory import Period, heatmap, inventory
from shadow_ai.services import governance
from tenancy.context import org_context
from tests.factories import MembershipFactory, UserFactory

TODAY = date.today()
PERIOD = Period(TODAY - timedelta(days=89), TODAY)


@pytest.fixture
def usage(cast):
    """Acme: 12 more people in Support, 6 more in Sales (threshold 5). ChatGPT used by 8 in
    Support, 2 in Sales and 4 people with no department; DeepSeek (prohibited) by the 2 in
    Sales only."""
    org = cast.org_a
    support = [
        MembershipFactory(organization=org, department=cast.support, job_track="customer_support")
        for _ in range(12)
    ]
    sales = [
        MembershipFactory(organization=org, department=cast.sales, job_track="sales")
        for _ in range(6)
    ]
    loose = [MembershipFactory(organization=org, department=None, job_track="") for _ in range(4)]
    chatgpt_entry = CatalogueTool.objects.create(
        key="chatgpt",
        name="ChatGPT",
        vendor="OpenAI",
        category="chat",
        domains=["chatgpt.com"],
        trains_on_user_data=True,
        retention_days=30,
        enterprise_plan=True,
        sso=True,
        soc2=True,
        iso27001=True,
        data_residency=["EU"],
        price_per_seat_month=Decimal("30.00"),
    )
    with org_context(org):
        chatgpt = governance.tool_for_catalogue(organization=org, catalogue_tool=chatgpt_entry)
        deepseek = Tool.objects.create(
            organization=org,
            name="DeepSeek",
            domains=["deepseek.com"],
            source="discovered",
            status="prohibited",
            category="chat",
        )
        rows = []

        def add(tool, membership, days, events, sensitive=0):
            alias = IdentityAlias.objects.create(
                organization=org, kind="email", value=f"{tool.pk}-{membership.pk}@x"
            )
            for d in range(days):
                rows.append(
                    DailyRollup(
                        organization=org,
                        day=TODAY - timedelta(days=d),
                        tool=tool,
                        identity=alias,
                        membership=membership,
                        department=membership.department,
                        events=events,
                        sensitive_events=sensitive,
                    )
                )

        for m in support[:8]:
            add(chatgpt, m, 10, 20, 1)
        for m in loose:
            add(chatgpt, m, 4, 5)
        for m in sales[:2]:
            add(chatgpt, m, 5, 10)
            add(deepseek, m, 3, 7, 2)
        DailyRollup.objects.bulk_create(rows)
    cast.chatgpt, cast.deepseek, cast.support_people, cast.sales_people = (
        chatgpt,
        deepseek,
        support,
        sales,
    )
    return cast


def test_the_inventory_publishes_tools_over_the_threshold_and_withholds_the_rest(usage):
    with org_context(usage.org_a):
        inv = inventory(organization=usage.org_a, period=PERIOD)
    rows = {r.tool.name: r for r in inv.rows}
    chatgpt, deepseek = rows["ChatGPT"], rows["DeepSeek"]
    # 8 + 2 + 4 users; 8x10x20 + 2x5x10 + 4x4x5 events.
    assert (chatgpt.users, chatgpt.events, chatgpt.sensitive_events) == (14, 1780, 80)
    # Support (8) published; Sales (2) withheld, and "no department" (4) with it so that
    # the residual covers 5 people.
    assert chatgpt.release[usage.support.pk].count == 8
    assert chatgpt.release[usage.sales.pk].suppressed
    assert chatgpt.release["none"].suppressed
    # DeepSeek: 2 people - no figures at all, but the tool is listed.
    assert deepseek.suppressed and deepseek.users is None and deepseek.events is None
    assert deepseek.inputs["withheld"] and deepseek.inputs["users"] == 5


def test_the_risk_score_uses_the_formula_and_the_released_inputs(usage):
    with org_context(usage.org_a):
        inv = inventory(organization=usage.org_a, period=PERIOD)
    chatgpt = next(r for r in inv.rows if r.tool.name == "ChatGPT")
    deepseek = next(r for r in inv.rows if r.tool.name == "DeepSeek")
    # ChatGPT: trains on data (0.30) + 30-day retention (0.05) = 0.35, unreviewed 0.8.
    assert (chatgpt.risk.tool_risk, chatgpt.risk.status_factor) == (0.35, 0.8)
    # 14 of 26 members (the cast's 4 and 22 more); the busiest tool: E = 0.6 sqrt(14/26) + 0.4.
    assert chatgpt.risk.exposure == pytest.approx(0.6 * (14 / 26) ** 0.5 + 0.4, abs=1e-4)
    # DeepSeek: unknown attributes (1.0), prohibited (1.0): the riskiest, listed first.
    assert inv.rows[0].tool.name == "DeepSeek" and deepseek.risk.band == "high"


def test_the_inventory_page_shows_the_formula_and_each_tools_inputs(usage, client_for):
    url = reverse("shadow_ai:inventory", kwargs={"org_slug": usage.org_a.slug})
    page = client_for(usage.erin).get(url).content.decode()
    assert "risk = 100 x T x S" in page
    assert "T 0.35 · S 0.8" in page
    assert "fewer than 5 people" in page
    csv = client_for(usage.erin).get(url + "?format=csv").content.decode()
    assert "ChatGPT,Chat assistant,Unreviewed,14,1780,80" in csv


def test_an_empty_inventory_says_what_to_do(cast, client_for):
    url = reverse("shadow_ai:inventory", kwargs={"org_slug": cast.org_a.slug})
    page = client_for(cast.alice).get(url).content.decode()
    assert "No AI use detected yet" in page and "Upload a log file" in page


def test_the_heatmap_withholds_small_cells_in_page_chart_and_csv(usage, client_for):
    with org_context(usage.org_a):
        h = heatmap(inventory(organization=usage.org_a, period=PERIOD))
    assert h.tools == ["ChatGPT"]  # DeepSeek's row is withheld entirely
    support = h.departments.index("Support")
    sales = h.departments.index("Sales")
    assert h.cells[0][support] == 8 and h.cells[0][sales] is None
    url = reverse("shadow_ai:heatmap", kwargs={"org_slug": usage.org_a.slug})
    csv = client_for(usage.alice).get(url + "?format=csv").content.decode().splitlines()
    assert csv[1].startswith("ChatGPT,")
    assert ",2," not in csv[1]


def test_perception_gap_and_personal_spend(usage):
    org = usage.org_a
    with org_context(org):
        governance.shadow_settings_update(
            organization=org, actor=usage.alice, leadership_estimate_pct=25
        )
        for m in usage.support_people[:6]:
            governance.declaration_save(
                membership=m,
                tool_name="ChatGPT",
                tool=usage.chatgpt,
                tasks=["writing"],
                frequency="daily",
                pays_personally=True,
                monthly_personal_cost="20",
            )
        gap = insights.perception_gap(organization=org, period=PERIOD)
        spend = insights.personal_spend(organization=org)
    # 14 of 26 members detected: 53.8%, 28.8 points above the estimate; 6 declared: 23.1%.
    assert (gap.detected_pct, gap.estimate_pct, gap.gap_pp) == (53.8, 25, 28.8)
    assert gap.declared_pct == 23.1
    # 6 people pay 20 a month: 120; six enterprise seats at 30: 180.
    assert (spend.spend, spend.licence_cost) == (Decimal("120.00"), Decimal("180.00"))


def test_personal_spend_of_fewer_than_the_threshold_is_withheld(usage):
    with org_context(usage.org_a):
        for m in usage.support_people[:2]:
            governance.declaration_save(
                membership=m,
                tool_name="ChatGPT",
                tasks=[],
                frequency="daily",
                pays_personally=True,
                monthly_personal_cost="20",
            )
        spend = insights.personal_spend(organization=usage.org_a)
    assert spend.total.suppressed and spend.spend is None and spend.licence_cost is None


def test_individual_views_need_the_policy_and_are_audited(usage, client_for):
    url = reverse(
        "shadow_ai:tool_people", kwargs={"org_slug": usage.org_a.slug, "pk": usage.chatgpt.pk}
    )
    page = client_for(usage.alice).get(url).content.decode()
    assert "Individual views are off" in page
    with org_context(usage.org_a):
        assert not AuditEvent.objects.filter(action="shadow_ai.individual_view").exists()
        governance.shadow_settings_update(
            organization=usage.org_a, actor=usage.alice, individual_views_allowed=True
        )
    page = client_for(usage.alice).get(url).content.decode()
    assert (
        usage.support_people[0].user.email in page or usage.support_people[0].user.full_name in page
    )
    with org_context(usage.org_a):
        assert (
            AuditEvent.objects.filter(action="shadow_ai.individual_view", actor=usage.alice).count()
            == 1
        )


def test_a_use_case_is_created_from_a_tool_with_its_evidence(usage, client_for):
    from roi.models import UseCase

    url = reverse("core:shadow_use_case", kwargs={"org_slug": usage.org_a.slug})
    response = client_for(usage.alice).post(url, {"tool": usage.chatgpt.pk})
    assert response.status_code == 302
    with org_context(usage.org_a):
        use_case = UseCase.objects.get()
        assert AuditEvent.objects.filter(action="use_case.proposed").exists()
    assert "ChatGPT" in use_case.title
    assert "people using them: 14" in use_case.problem
    assert "Support" in use_case.problem
    assert use_case.expected_users == 14 and use_case.sourcing == "vendor"


def test_a_use_case_from_a_cluster_of_usage(usage, client_for):
    from roi.models import UseCase

    url = reverse("core:shadow_use_case", kwargs={"org_slug": usage.org_a.slug})
    assert client_for(usage.alice).post(url, {"category": "chat"}).status_code == 302
    assert client_for(usage.alice).post(url, {"category": "nonsense"}).status_code == 400
    with org_context(usage.org_a):
        use_case = UseCase.objects.get()
    assert "ChatGPT" in use_case.problem and "DeepSeek" in use_case.problem


def test_the_dashboard_section_provides_the_contracts_facts(usage):
    from reports.types import Period as ReportPeriod
    from shadow_ai import facts

    with org_context(usage.org_a):
        governance.shadow_settings_update(
            organization=usage.org_a, actor=usage.alice, leadership_estimate_pct=25
        )
        section = facts.section(
            org=usage.org_a, period=ReportPeriod.containing(TODAY), department_id=None
        )
    keys = {f.key for f in section.facts}
    assert keys >= {
        "shadow.tools_detected",
        "shadow.tools_unreviewed",
        "shadow.prohibited_in_use",
        "shadow.prohibited_names",
        "shadow.high_risk_events",
        "shadow.events",
        "shadow.detected_share",
        "shadow.leadership_estimate",
        "shadow.perception_gap",
        "shadow.personal_spend_month",
        "shadow.licence_cost_month",
    }
    assert section.fact("shadow.prohibited_names").value == "DeepSeek"
    assert section.fact("shadow.leadership_estimate").value == 25
    # Nobody declared spending: withheld, not zero.
    assert section.fact("shadow.personal_spend_month").suppressed
    assert not section.empty


def test_another_organisation_sees_none_of_it(usage, client_for):
    url = reverse("shadow_ai:tool", kwargs={"org_slug": usage.org_b.slug, "pk": usage.chatgpt.pk})
    assert client_for(usage.bob).get(url).status_code == 404
    with org_context(usage.org_b):
        assert inventory(organization=usage.org_b, period=PERIOD).empty


def test_a_member_in_a_second_department_does_not_break_the_release(usage):
    """Guard: a user in two organisations is two members; each counted in its own."""
    user = UserFactory()
    MembershipFactory(organization=usage.org_b, user=user)
    with org_context(usage.org_a):
        assert Declaration.objects.count() == 0


def test_the_inventory_api_gives_the_pages_figures_and_withholds_the_same(usage):
    from rest_framework.test import APIClient

    from accounts.services import api_token_regenerate

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=usage.erin)}")
    url = reverse("api:shadow-tool-list", kwargs={"org_slug": usage.org_a.slug})
    data = {t["name"]: t for t in client.get(url).json()}
    assert (data["ChatGPT"]["users"], data["ChatGPT"]["events"]) == (14, 1780)
    assert data["ChatGPT"]["risk"]["tool_risk"] == 0.35
    assert (
        data["DeepSeek"]["users"] is None and data["DeepSeek"]["withheld"] == "fewer than 5 people"
    )
    with org_context(usage.org_a):
        key = governance.integrator_token_create(
            organization=usage.org_a,
            actor=usage.alice,
            membership=usage.member("alice"),
            name="feed",
        )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(url).status_code == 403


def test_the_dashboard_section_under_a_department_filter_is_that_departments(usage):
    from reports.types import Period as ReportPeriod
    from shadow_ai import facts

    period = ReportPeriod.containing(TODAY)
    with org_context(usage.org_a):
        whole = facts.section(org=usage.org_a, period=period, department_id=None)
        support = facts.section(org=usage.org_a, period=period, department_id=usage.support.pk)
        sales = facts.section(org=usage.org_a, period=period, department_id=usage.sales.pk)

    def values(section):
        return {f.key: (None if f.suppressed else f.value) for f in section.facts}

    org, sup, sal = values(whole), values(support), values(sales)
    assert (org["shadow.tools_detected"], org["shadow.events"]) == (2, 1780)
    assert org["shadow.sensitive_events"] == 80
    assert org["shadow.prohibited_names"] == "DeepSeek"
    # Support: the 8 ChatGPT users of its 15 people, 8x10x20 requests, 8x10 with personal data.
    assert sup["shadow.tools_detected"] == 1 and sup["shadow.prohibited_in_use"] == 0
    assert (sup["shadow.events"], sup["shadow.sensitive_events"]) == (1600, 80)
    assert sup["shadow.detected_share"] == round(100 * 8 / 15, 1)
    # Sales: 2 of its 6 people use ChatGPT and DeepSeek. The share of the department is
    # published; which tools, and their requests, are not (2 people, as in the heatmap), so
    # the filter does not tell who uses the prohibited tool.
    assert sal["shadow.detected_share"] == round(100 * 2 / 6, 1)
    assert sal["shadow.tools_detected"] == 0 and sal["shadow.prohibited_names"] == ""
    assert sal["shadow.events"] == 0 and sal["shadow.high_risk_events"] == 0
    # What is not split says so; the perception gap stays the organisation's.
    gap = support.fact("shadow.perception_gap")
    assert (
        gap.label.endswith("(whole organisation)")
        and gap.value == whole.fact("shadow.perception_gap").value
    )
    assert "(whole organisation)" not in whole.fact("shadow.perception_gap").label
    assert not support.fact("shadow.events").label.endswith("(whole organisation)")
    assert [r[0] for r in support.charts[0].rows] == ["ChatGPT"]


def test_a_department_smaller_than_the_threshold_gets_no_shadow_figures(usage):
    from reports.types import Period as ReportPeriod
    from shadow_ai import facts
    from tests.factories import DepartmentFactory

    with org_context(usage.org_a):
        tiny = DepartmentFactory(organization=usage.org_a, name="Legal")
        MembershipFactory(organization=usage.org_a, department=tiny, job_track="")
        section = facts.section(
            org=usage.org_a, period=ReportPeriod.containing(TODAY), department_id=tiny.pk
        )
    for key in ("shadow.tools_detected", "shadow.events", "shadow.detected_share"):
        assert section.fact(key).suppressed, key
    assert not section.charts


def test_the_dashboard_page_filters_the_shadow_section_and_not_across_organisations(
    usage, client_for
):
    home = reverse("core:executive_home", kwargs={"org_slug": usage.org_a.slug})
    page = client_for(usage.erin).get(home, {"department": usage.support.pk}).content.decode()
    assert "Perception gap (whole organisation)" in page
    assert "AI tools used by 5 or more people here" in page and "1,600" in page
    assert "1,780" not in page
    # Globex's member gets none of Acme's dashboard, filtered or not ...
    response = client_for(usage.bob).get(home, {"department": usage.support.pk})
    assert response.status_code in (403, 404) and b"1,600" not in response.content
    # ... and Acme's department means nothing on Globex's own dashboard.
    globex = reverse("core:executive_home", kwargs={"org_slug": usage.org_b.slug})
    own = client_for(usage.bob).get(globex, {"department": usage.support.pk}).content.decode()
    assert "no department" in own and "1,600" not in own and "ChatGPT" not in own


# A manager's home: AI usage of their departments, as a population of its own.


def _prompts(cast, people, category, per_person=2):
    from django.utils import timezone

    from shadow_ai.models import PromptRecord

    with org_context(cast.org_a):
        PromptRecord.objects.bulk_create(
            PromptRecord(
                organization=cast.org_a,
                ts=timezone.now() - timedelta(days=1),
                tool=cast.chatgpt,
                membership=m,
                department=m.department,
                text="scrubbed",
                task_category=category,
            )
            for m in people
            for _ in range(per_person)
        )


def test_a_managers_scope_counts_only_their_departments(usage):
    with org_context(usage.org_a):
        org_wide = inventory(organization=usage.org_a, period=PERIOD)
        scoped = inventory(
            organization=usage.org_a, period=PERIOD, department_ids=[usage.support.pk]
        )
    whole = {r.tool.name: r for r in org_wide.rows}
    mine = {r.tool.name: r for r in scoped.rows}
    assert whole["ChatGPT"].users == 14 and whole["ChatGPT"].events == 8 * 200 + 4 * 20 + 2 * 50
    assert set(mine) == {"ChatGPT"}  # DeepSeek is used in Sales only
    assert (mine["ChatGPT"].users, mine["ChatGPT"].events) == (8, 8 * 200)
    assert mine["ChatGPT"].sensitive_events == 8 * 10
    assert list(scoped.departments) == [usage.support.pk]  # no "No department", no Sales
    assert scoped.members == 15  # Support's active people: alice, mona, emil + 12


def test_a_scope_smaller_than_the_threshold_withholds_every_tool(usage):
    with org_context(usage.org_a):
        scoped = inventory(organization=usage.org_a, period=PERIOD, department_ids=[usage.sales.pk])
    assert {r.tool.name for r in scoped.rows} == {"ChatGPT", "DeepSeek"}
    assert all(r.suppressed and r.users is None and r.events is None for r in scoped.rows)


def test_the_manager_home_shows_their_departments_tools_and_tasks_through_privacy(
    usage, client_for
):
    _prompts(usage, usage.support_people[:6], "writing")
    _prompts(usage, usage.support_people[:2], "coding")
    _prompts(usage, usage.sales_people[:6], "translation")  # another department
    url = reverse("core:manager_home", kwargs={"org_slug": usage.org_a.slug})
    response = client_for(usage.mona).get(url)
    assert response.status_code == 200
    usage_rows = {r.tool.name: r for r in response.context["usage"].rows}
    assert set(usage_rows) == {"ChatGPT"}
    assert usage_rows["ChatGPT"].users == 8
    tasks = {t.category: t.people for t in response.context["tasks"]}
    assert set(tasks) == {"writing", "coding"}  # not Sales' translation
    assert (tasks["writing"].count, tasks["writing"].sums["prompts"]) == (6, 12)
    assert tasks["coding"].suppressed  # 2 people, under the threshold of 5
    html = response.content.decode()
    assert "AI tools used in your departments" in html and "Coming to this page" not in html
    assert "DeepSeek" not in html and "Translation" not in html
    assert '<td class="num">8</td>' in html
    # The table is ordered by risk, so the score is shown (a table sorted by an unseen
    # column read as if QuillBot were used more than ChatGPT).
    risk = usage_rows["ChatGPT"].risk
    assert f'{risk.score} <span class="badge">{risk.band}</span>' in html


def test_a_manager_without_usage_is_told_how_it_fills(cast, client_for):
    url = reverse("core:manager_home", kwargs={"org_slug": cast.org_a.slug})
    html = client_for(cast.mona).get(url).content.decode()
    assert "No AI tool use has been seen in your departments" in html
    assert "an admin uploads" in html


def test_a_manager_of_another_organisation_sees_none_of_it(usage, client_for):
    from tenancy.models import ManagedDepartment, Role

    manager = MembershipFactory(
        organization=usage.org_b, role=Role.MANAGER, department=usage.b_department
    )
    with org_context(usage.org_b):
        ManagedDepartment.objects.create(
            organization=usage.org_b, membership=manager, department=usage.b_department
        )
    own = reverse("core:manager_home", kwargs={"org_slug": usage.org_b.slug})
    response = client_for(manager.user).get(own)
    assert response.status_code == 200
    assert response.context["usage"].empty and "ChatGPT" not in response.content.decode()
    acme = reverse("core:manager_home", kwargs={"org_slug": usage.org_a.slug})
    assert client_for(manager.user).get(acme).status_code == 404
    with org_context(usage.org_b):
        # Acme's department ids given in Globex's context count nothing.
        assert inventory(
            organization=usage.org_b, period=PERIOD, department_ids=[usage.support.pk]
        ).empty
