"""In headless Chromium, with a real worker process: an admin uploads a gateway log, watches
it finish, finds the new tool the model worker discovered in it, prohibits it, and exports
the block list."""

import gzip
import time

import pytest

from tests.ops.conftest import celery_worker_process  # noqa: F401  (a real worker process)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def squid_log() -> bytes:
    now = time.time() - 3600
    lines = []
    for i, host in enumerate(["chatgpt.com", "llmhub.io", "www.bbc.co.uk"] * 20):
        lines.append(
            f"{now + i:.3f}     12 10.0.0.{i % 5 + 1} TCP_TUNNEL/200 900 CONNECT {host}:443 "
            f"alice@example.com HIER_DIRECT/1.2.3.4 -\n"
        )
    return gzip.compress("".join(lines).encode())


def log_in(browser, live_server, user):
    page = browser.new_page(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_admin_uploads_a_log_reviews_the_new_tool_prohibits_it_and_exports_the_block_list(
    live_server,
    live_cast,
    celery_worker_process,  # noqa: F811
    browser,
    tmp_path,
    settings,
):
    from shadow_ai.services.catalogue import catalogue_import
    from shadow_ai.services.ingest import source_save
    from tenancy.context import org_context

    cast = live_cast
    slug = cast.org_a.slug
    catalogue_import()
    with org_context(cast.org_a):
        source_save(organization=cast.org_a, actor=cast.alice, name="HQ Squid", fmt="squid")
    log = tmp_path / "access.log.gz"
    log.write_bytes(squid_log())

    admin = log_in(browser, live_server, cast.alice)
    admin.goto(f"{live_server.url}/o/{slug}/shadow-ai/")
    assert "No AI use detected yet" in admin.content()
    admin.get_by_role("link", name="Upload a log file").click()
    admin.get_by_label("Source").select_option(label="HQ Squid")
    admin.get_by_label("File").set_input_files(str(log))
    admin.get_by_role("button", name="Upload").click()
    # The upload's page polls (htmx) until the worker has read the whole file.
    admin.get_by_role("link", name="Review discovered tools").wait_for(timeout=120_000)
    assert "Accepted" in admin.content()

    # The worker classifies the unknown host after the upload: llmhub.io is an AI service.
    deadline = time.monotonic() + 180
    admin.get_by_role("link", name="Review discovered tools").click()
    while "llmhub.io" not in admin.content():
        assert time.monotonic() < deadline, "the new tool never appeared for review"
        time.sleep(2)
        admin.reload()
    card = admin.locator("article", has_text="llmhub.io")
    card.get_by_label("Status").select_option("prohibited")
    card.get_by_role("button", name="Decide llmhub.io").click()
    admin.wait_for_load_state()
    assert "llmhub.io: Prohibited" in admin.content()

    admin.goto(f"{live_server.url}/o/{slug}/shadow-ai/blocklist/")
    assert "dstdomain .llmhub.io" in admin.content()
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download the domain list").click()
    assert "llmhub.io" in download.value.path().read_text().split()
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download a Squid ACL").click()
    assert "acl shadow_ai_prohibited dstdomain .llmhub.io" in download.value.path().read_text()
