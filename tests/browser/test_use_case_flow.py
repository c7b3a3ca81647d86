"""In headless Chromium: an employee proposes a use case; the admin scores it, moves a
weight and sees the ranking change before saving, then finds it on the matrix."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def log_in(browser, live_server, user):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def first_row(page) -> str:
    return page.locator("#ranking tbody tr").first.locator("th").inner_text().strip()


def test_employee_proposes_admin_scores_reweights_live_and_sees_the_matrix(
    live_server, live_cast, browser
):
    from roi.models import Criterion, UseCase
    from roi.services.use_cases import scores_set, use_case_propose
    from tenancy.context import org_context

    cast = live_cast
    slug = cast.org_a.slug
    with org_context(cast.org_a):
        other = use_case_propose(
            organization=cast.org_a, actor=cast.alice, title="Strategic bet", problem="p"
        )
        scores_set(
            use_case=other,
            actor=cast.alice,
            scores={"roi_potential": 1, "strategic_alignment": 5, "technical_feasibility": 3},
        )

    employee = log_in(browser, live_server, cast.emil)
    employee.goto(f"{live_server.url}/o/{slug}/use-cases/propose/")
    employee.get_by_label("Title").fill("Invoice reader")
    employee.get_by_label("Problem").fill("Typing invoices by hand")
    employee.get_by_role("button", name="Propose").click()
    employee.wait_for_url("**/use-cases/*/")
    assert "Proposed" in employee.content()
    with org_context(cast.org_a):
        proposed = UseCase.objects.get(title="Invoice reader")

    admin = log_in(browser, live_server, cast.alice)
    admin.goto(f"{live_server.url}/o/{slug}/use-cases/{proposed.pk}/scores/")
    admin.get_by_label("ROI potential").select_option("5")
    admin.get_by_label("Strategic alignment").select_option("2")
    admin.get_by_label("Technical feasibility").select_option("3")
    admin.get_by_role("button", name="Save scores").click()
    admin.wait_for_url(f"**/use-cases/{proposed.pk}/")

    admin.goto(f"{live_server.url}/o/{slug}/use-cases/priorities/")
    # Default weights: Strategic bet (30x1 + 45x5 + 25x3)/100 = 3.3 beats 3.15.
    assert first_row(admin) == "Strategic bet"
    admin.get_by_label("ROI potential (impact)").fill("60")
    admin.get_by_label("Strategic alignment (impact)").fill("15")
    # Re-ranked in the page, without a reload: now (60x5 + 15x2 + 25x3)/100 = 4.05.
    admin.wait_for_function(
        "document.querySelector('#ranking tbody tr th').innerText.trim() === 'Invoice reader'"
    )
    assert admin.locator("#weights-total").inner_text().startswith("100")
    with org_context(cast.org_a):
        assert Criterion.objects.get(key="roi_potential").weight == 30  # not saved yet
    titles = admin.evaluate(
        "[].concat(...document.getElementById('roi-matrix').data.map(t => t.text))"
    )
    assert "Invoice reader" in titles and "Strategic bet" in titles
    admin.get_by_role("button", name="Save weights").click()
    admin.wait_for_url("**/use-cases/priorities/")
    assert first_row(admin) == "Invoice reader"
