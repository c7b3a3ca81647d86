"""In headless Chromium: the demo admin logs in, sees the admin home, switches organisation."""

import pytest
from django.core.management import call_command

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_admin_logs_in_sees_admin_home_and_switches_organisation(
    live_server, transactional_db, browser, tmp_path
):
    call_command("seed_demo", employees=40)
    page = browser.new_page()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url

    page.get_by_label("Email").fill("admin@acme.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/o/acme/admin/")
    assert page.get_by_role("heading", level=1).inner_text().strip() != ""
    assert "Acme Corp" in page.content()
    page.screenshot(path=str(tmp_path / "admin-home.png"))

    # The switcher: open it with the keyboard-accessible <details>, pick Globex.
    page.locator("nav[aria-label='Organisations'] summary").click()
    page.locator("a[data-org='globex']").click()
    page.wait_for_url("**/o/globex/me/")
    assert "Globex" in page.content()
    # In Globex she is an employee: the admin pages are closed to her there.
    response = page.goto(f"{live_server.url}/o/globex/admin/")
    assert response.status == 403
