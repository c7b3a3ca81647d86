"""In headless Chromium: an admin drafts the quarter's report, edits a section, approves
and publishes it; the executive then finds it from the dashboard and downloads the PDF."""

import pytest

from tests.browser.test_use_case_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_admin_drafts_edits_approves_publishes_and_executive_downloads_the_pdf(
    live_server, live_cast, browser, monkeypatch
):
    from reports import services
    from roi.models import Stage, UseCase
    from tenancy.context import org_context

    cast = live_cast
    slug = cast.org_a.slug
    with org_context(cast.org_a):
        UseCase.objects.create(
            organization=cast.org_a, title="Triage", problem="x", stage=Stage.PRODUCTION
        )
    # The model worker's part runs in the server (written from the facts): the queue and
    # a real worker are tested in tests/reports/test_worker.py.
    monkeypatch.setattr(
        services,
        "_enqueue",
        lambda org_id, ids: [
            services.section_write(org_id=org_id, section_id=i, use_model=False) for i in ids
        ],
    )

    admin = log_in(browser, live_server, cast.alice)
    admin.goto(f"{live_server.url}/o/{slug}/reports/")
    admin.get_by_label("Quarter").fill("2026-Q3")
    admin.get_by_role("button", name="Start the draft").click()
    admin.wait_for_url("**/reports/*/")
    admin.get_by_text("All 6 sections written").wait_for()
    admin.get_by_role("link", name="Edit “Executive summary”").click()
    admin.wait_for_url("**/sections/summary/")
    text = admin.get_by_label("Text (Markdown)")
    text.fill(text.input_value() + "\n\n**The board asked for this quarter's detail.**")
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_url("**/reports/*/")
    assert "The board asked for this quarter" in admin.content()
    admin.get_by_role("button", name="Approve").click()
    admin.get_by_role("button", name="Publish to executives").click()
    admin.get_by_text("Published: executives can read it now.").wait_for()

    executive = log_in(browser, live_server, cast.erin)
    executive.goto(f"{live_server.url}/o/{slug}/")
    executive.wait_for_url("**/executive/")
    assert "are we crossing the GenAI divide?" in executive.content()
    executive.wait_for_selector("[data-chart] svg.main-svg", timeout=15000)  # plotly drew
    executive.get_by_role("link", name="2026-Q3").click()
    executive.wait_for_url("**/reports/*/")
    body = executive.content()
    assert "Executive summary" in body and "Recommendations" in body
    assert "<strong>The board asked for this quarter" in body
    with executive.expect_download() as download_info:
        executive.get_by_role("link", name="Download PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
