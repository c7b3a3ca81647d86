"""In headless Chromium: the demo admin logs in, sees the admin home, switches organisation."""

import os

import pytest
from django.core.management import call_command

from core.demo import DEMO_PASSWORD
from tests.conftest import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch):
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API refuses to run inside an asyncio loop; Django's is fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


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
