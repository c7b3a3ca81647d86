"""The report pages: who sees what, editing with the number re-check, sanitising, the PDF
and the facts zip, and the executive dashboard."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report
from reports.pdf import report_pdf
from roi.models import Stage, UseCase
from tenancy.context import org_context
from tests.reports.conftest import write_report


@pytest.fixture
def acme(cast):
    with org_context(cast.org_a):
        UseCase.objects.create(
            organization=cast.org_a, title="Ticket triage", problem="x", stage=Stage.PRODUCTION
        )
    return cast


def url(name, cast, report, org=None, **kwargs):
    return reverse(name, kwargs={"org_slug": (org or cast.org_a).slug, "pk": report.pk, **kwargs})


def test_executive_cannot_see_an_unpublished_report(acme, client_for):
    report = write_report(acme.org_a, acme.alice)
    erin, alice = client_for(acme.erin), client_for(acme.alice)
    for name in ("reports:detail", "reports:pdf", "reports:facts_zip"):
        assert erin.get(url(name, acme, report)).status_code == 404, name
        assert alice.get(url(name, acme, report)).status_code == 200, name
    listing = erin.get(reverse("reports:list", kwargs={"org_slug": acme.org_a.slug}))
    assert "2026-Q3" not in listing.content.decode()
    with org_context(acme.org_a):
        services.report_approve(organization=acme.org_a, actor=acme.alice, report=report)
    assert erin.get(url("reports:detail", acme, report)).status_code == 404  # approved only
    with org_context(acme.org_a):
        services.report_publish(organization=acme.org_a, actor=acme.alice, report=report)
    page = erin.get(url("reports:detail", acme, report))
    assert page.status_code == 200 and "Executive summary" in page.content.decode()
    assert "Edit" not in page.content.decode()  # the outcome and edit links are for admins


def test_another_organisation_report_is_404(acme, client_for):
    report = write_report(acme.org_a, acme.alice, publish=True)
    bob = client_for(acme.bob)  # Globex's admin
    for name in ("reports:detail", "reports:pdf", "reports:facts_zip", "reports:progress"):
        assert bob.get(url(name, acme, report)).status_code == 404
        # Under his own organisation's address, Acme's report does not exist either.
        assert bob.get(url(name, acme, report, org=acme.org_b)).status_code == 404
    response = bob.post(url("reports:approve", acme, report, org=acme.org_b))
    assert response.status_code == 404


def test_the_edit_recheck_flags_a_changed_number(acme, client_for):
    report = write_report(acme.org_a, acme.alice)
    with org_context(acme.org_a):
        section = report.sections.get(key="portfolio")
    assert "holds 1 use case" in section.text or "Of 1 use case" in section.text
    changed = section.text.replace("1 use case", "17 use cases", 1)
    alice = client_for(acme.alice)
    edit = url("reports:section_edit", acme, report, key="portfolio")
    assert alice.post(edit, {"text": changed}).status_code == 302
    with org_context(acme.org_a):
        section.refresh_from_db()
    assert section.flagged_numbers == ["17"] and section.edited
    page = alice.get(url("reports:detail", acme, report)).content.decode()
    assert "Not in the facts: 17" in page
    # Approval is refused until the number is corrected or confirmed.
    alice.post(url("reports:approve", acme, report))
    with org_context(acme.org_a):
        assert Report.objects.get(pk=report.pk).status == "draft"
    alice.post(url("reports:approve", acme, report), {"accept_flags": "on"})
    with org_context(acme.org_a):
        assert Report.objects.get(pk=report.pk).status == "approved"
        events = list(report.versions.order_by("number").values_list("event", flat=True))
    assert events == ["drafted", "edited", "approved"]


def test_html_and_script_in_edited_text_are_sanitised(acme, client_for):
    report = write_report(acme.org_a, acme.alice)
    alice = client_for(acme.alice)
    text = (
        "**Bold** <script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) <a href='https://example.com' onclick='evil()'>a</a>"
    )
    edit = url("reports:section_edit", acme, report, key="summary")
    assert alice.post(edit, {"text": text}).status_code == 302
    page = alice.get(url("reports:detail", acme, report)).content.decode()
    article = page[page.index('id="r-summary"') :]
    article = article[: article.index("</article>")]
    assert "<strong>Bold</strong>" in article
    tags = " ".join(re.findall(r"<[^>]+>", article))
    for bad in ("<script", "<img", "onerror", "javascript:", "onclick"):
        assert bad not in tags, bad
    assert "&lt;script&gt;" in article  # shown as text, never run


def test_an_empty_or_huge_edit_is_refused_with_its_reason(acme, client_for):
    report = write_report(acme.org_a, acme.alice)
    edit = url("reports:section_edit", acme, report, key="summary")
    response = client_for(acme.alice).post(edit, {"text": "   "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client_for(acme.alice).post(edit, {"text": "x" * 20_001})
    assert response.status_code == 400 and "20000" in response.content.decode().replace(",", "")


def test_the_pdf_has_the_section_headings_and_the_figures(acme, client_for):
    report = write_report(acme.org_a, acme.alice, publish=True)
    with org_context(acme.org_a):
        raw = report_pdf(report, acme.org_a, compress=False)
        titles = list(report.sections.values_list("title", flat=True))
    assert raw.startswith(b"%PDF")
    for title in titles:
        assert f"({title})".encode() in raw or title.encode() in raw, title
    # The portfolio's figures: its table row and the bar chart of use cases by stage.
    assert b"Use cases by stage" in raw and b"Ticket triage" not in raw
    assert b"In production" in raw
    response = client_for(acme.erin).get(url("reports:pdf", acme, report))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_facts_zip_holds_every_figure_with_its_source(acme, client_for):
    report = write_report(acme.org_a, acme.alice, publish=True)
    response = client_for(acme.erin).get(url("reports:facts_zip", acme, report))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    facts = archive.read("facts.csv").decode()
    assert "roi.in_production" in facts and "roi.selectors" in facts
    assert "chart-roi.use_cases_by_stage.csv" in archive.namelist()


def test_the_dashboard_shows_every_section_and_says_what_to_do_when_empty(acme, client_for):
    home = reverse("core:executive_home", kwargs={"org_slug": acme.org_a.slug})
    page = client_for(acme.erin).get(home).content.decode()
    assert "Use-case portfolio and ROI" in page and "In production" in page
    # No assessments and no model calls yet: each empty module says what to do, with a link.
    assert "run a fluency campaign" in page
    assert reverse("assessments:campaigns", kwargs={"org_slug": acme.org_a.slug}) in page
    assert "No model calls in this period" in page
    assert "<script>" not in page.replace("<script src=", "").split("json")[0]
    csv = client_for(acme.erin).get(home, {"format": "csv", "chart": "roi.use_cases_by_stage"})
    assert csv["Content-Type"].startswith("text/csv") and "Production,1" in csv.content.decode()
    bad = client_for(acme.erin).get(home, {"period": "Q9", "department": "abc"})
    assert bad.status_code == 200
    assert "written like 2026-Q3" in bad.content.decode()
    assert "no department" in bad.content.decode()
    one = client_for(acme.erin).get(home, {"department": acme.support.pk})
    assert one.status_code == 200


def test_the_progress_box_polls_while_sections_are_written(acme, client_for, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda org_id, ids: None)
    alice = client_for(acme.alice)
    response = alice.post(
        reverse("reports:start", kwargs={"org_slug": acme.org_a.slug}), {"period": "2026-Q3"}
    )
    assert response.status_code == 302
    with org_context(acme.org_a):
        report = Report.objects.get()
    box = alice.get(url("reports:progress", acme, report)).content.decode()
    assert 'hx-trigger="every 3s"' in box and "0 of 6 sections written" in box
    assert "The model worker is not running" in box  # no worker heartbeat in the tests
    again = alice.post(
        reverse("reports:start", kwargs={"org_slug": acme.org_a.slug}), {"period": "2026-q3"}
    )
    assert again["Location"] == url("reports:detail", acme, report)
    refused = alice.post(
        reverse("reports:start", kwargs={"org_slug": acme.org_a.slug}), {"period": "2026-Q5"}
    )
    assert refused.status_code == 400 and "quarter must be 1-4" in refused.content.decode()
