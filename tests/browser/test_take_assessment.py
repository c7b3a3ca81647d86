"""In headless Chromium: the demo employee takes the open campaign to the end and sees the
result page with a level and a learning plan."""

import pytest
from django.core.management import call_command

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_employee_takes_the_open_campaign_and_sees_the_result(
    live_server,
    transactional_db,
    browser,
    models_loaded,
    tmp_path,
):
    from assessments.models import Answer
    from assessments.services.free_text_scoring import answer_score_free_text
    from tenancy.context import org_context
    from tenancy.models import Organization

    call_command("seed_demo", employees=40)
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("employee@acme.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/o/acme/me/")

    page.get_by_role("link", name="Assessments", exact=True).click()
    page.get_by_role("link", name="Start").click()
    for _ in range(12):  # one page per section
        for fieldset in page.locator("fieldset.question").all():
            textarea = fieldset.locator("textarea")
            if textarea.count():
                textarea.fill("The figure is wrong and the cited source does not exist.")
                continue
            fieldset.locator("input[type=radio], input[type=checkbox]").first.check()
        submit = page.get_by_role("button", name="Submit my answers")
        if submit.count():
            submit.click()
            break
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/assessments/attempts/*/")
    page.screenshot(path=str(tmp_path / "submitted.png"))
    # While the written answers are being scored: the provisional result, those answers
    # marked pending, and feedback per item.
    body = page.content()
    assert "Provisional result" in body and "Overall level" in body
    assert "Pending: being scored" in body and "Best answer" in body

    # The model worker scores the written answers; here the same service runs in-process.
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        pending = list(Answer.objects.filter(score__isnull=True).values_list("pk", flat=True))
    acme.model_confidence_threshold = 0.0
    acme.save()
    for answer_id in pending:
        answer_score_free_text(org_id=acme.pk, answer_id=answer_id)
    # No reload: the page's polling swaps in the final result, and the trajectory chart
    # in the swapped content must be drawn (plotly adds its svg), not left empty.
    page.get_by_text("Provisional result.").wait_for(state="detached", timeout=20000)
    page.wait_for_selector("#result-body [data-chart] svg.main-svg", timeout=10000)
    body = page.content()
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)
    assert "Provisional result" not in body
    assert "Overall level" in body
    assert "Your learning plan" in body
    assert "Your trajectory" in body  # the demo employee took both past campaigns
    assert "Download your certificate (PDF)" in body
