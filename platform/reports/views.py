"""The executive dashboard, and the quarterly reports: list, draft, edit, approve, publish,
read, PDF and facts zip. Views are thin: the selectors read, the services write."""

import csv
import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from reports import selectors, services, snapshots
from reports.forms import ApproveForm, SectionForm, StartForm
from reports.models import Report, ReportSection
from reports.pdf import report_pdf
from reports.render import markdown_html
from reports.types import Chart, Period
from tenancy import selectors as tenancy_selectors
from tenancy.roles import ADMINS, LEADERS
from tenancy.views.base import OrgView


class DashboardView(OrgView, TemplateView):
    """One page that answers "are we crossing the GenAI divide?": every registered
    section for a quarter, optionally one department. Executives' home (core)."""

    allowed_roles = LEADERS
    template_name = "reports/dashboard.html"

    def filters(self) -> tuple[Period, int | None, list[str]]:
        errors = []
        period = selectors.current_period()
        if wanted := self.request.GET.get("period", "").strip():
            try:
                period = Period.parse(wanted)
            except ValueError as exc:
                errors.append(str(exc))
        department_id = None
        if wanted := self.request.GET.get("department", "").strip():
            ids = set(tenancy_selectors.department_list().values_list("pk", flat=True))
            if wanted.isdigit() and int(wanted) in ids:
                department_id = int(wanted)
            else:
                errors.append(f"There is no department {wanted!r} here; showing everyone.")
        return period, department_id, errors

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        period, department_id, _ = self.filters()
        data = snapshots.dashboard(self.organization, period, department_id)
        slug = self.organization.slug
        key = request.GET.get("chart", "")
        if key:
            chart = data.charts.get(key)
            if chart is None:
                return csv_response(f"{slug}-dashboard.csv", ["message"], [[f"no chart {key}"]])
            return csv_response(f"{slug}-{key}-{period.label}.csv", chart.columns, chart.rows)
        rows = (
            [
                s.title,
                f.label,
                "suppressed" if f.suppressed else f.value,
                f.unit,
                f.previous,
                f.source.get("module"),
                f.source.get("query"),
                f.source.get("period"),
            ]
            for s in data.sections
            for f in s.facts
        )
        return csv_response(
            f"{slug}-dashboard-{period.label}.csv",
            ["section", "figure", "value", "unit", "previous", "module", "query", "period"],
            rows,
        )

    def post(self, request, *args, **kwargs):
        """Refresh: compute the figures now rather than show the stored ones."""
        period, department_id, _ = self.filters()
        data = snapshots.dashboard(self.organization, period, department_id, refresh=True)
        messages.success(request, f"Figures recomputed ({data.compute_ms} ms).")
        return redirect(request.get_full_path())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period, department_id, errors = self.filters()
        data = snapshots.dashboard(self.organization, period, department_id)
        context.update(
            sections=data.sections,
            charts=data.charts,
            dashboard=data,
            max_age_minutes=max(1, settings.REPORTS_DASHBOARD_MAX_AGE // 60),
            period=period,
            periods=selectors.period_choices(),
            department_id=department_id,
            departments=list(tenancy_selectors.department_list()),
            filter_errors=errors,
            latest_report=selectors.latest_published(),
            query_prefix=_query_prefix(self.request.GET),
        )
        return context


def _query_prefix(params) -> str:
    """The page's filters, to repeat in its CSV links."""
    kept = params.copy()
    for key in ("format", "chart"):
        kept.pop(key, None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


class ReportListView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "reports/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = selectors.visible_reports(self.membership)
        if self.membership.role in ADMINS:
            context.setdefault(
                "form", StartForm(initial={"period": selectors.last_complete_period().label})
            )
        return context


class StartView(OrgView, TemplateView):
    """An admin starts the draft of a quarter (started twice: the first draft)."""

    allowed_roles = ADMINS
    template_name = "reports/list.html"
    http_method_names = ["post"]  # the form is on the list page

    def post(self, request, *args, **kwargs):
        form = StartForm(request.POST)
        if form.is_valid():
            report, created = services.report_start(
                organization=self.organization,
                actor=request.user,
                period=form.cleaned_data["period"],
            )
            if created:
                messages.success(request, f"Drafting the {report.period} report.")
            else:
                messages.info(request, f"The {report.period} report was already started.")
            return redirect("reports:detail", org_slug=self.organization.slug, pk=report.pk)
        context = self.get_context_data(
            form=form, reports=selectors.visible_reports(self.membership)
        )
        return self.render_to_response(context, status=400)


class _ReportView(OrgView, TemplateView):
    abstract = True

    def report(self) -> Report:
        return selectors.report_for(self.membership, self.kwargs["pk"])

    def back(self):
        return redirect("reports:detail", org_slug=self.organization.slug, pk=self.kwargs["pk"])


def _sections_html(report: Report) -> list[dict]:
    from reports.facts import section_of

    out = []
    for s in report.sections.all():
        facts = section_of(report.facts, s.key) or {}
        charts = [Chart(**c) for c in facts.get("charts", [])]
        out.append({"section": s, "html": markdown_html(s.text), "facts": facts, "charts": charts})
    return out


class ReportDetailView(_ReportView):
    allowed_roles = LEADERS
    template_name = "reports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report()
        context.update(
            report=report,
            sections=_sections_html(report),
            progress=selectors.progress(report),
            versions=report.versions.select_related("actor")[:20],
            approve_form=kwargs.get("approve_form") or ApproveForm(),
            is_admin=self.membership.role in ADMINS,
        )
        return context


class ProgressView(_ReportView):
    """The htmx-polled progress box of a draft."""

    allowed_roles = ADMINS
    template_name = "reports/_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report()
        context.update(report=report, progress=selectors.progress(report))
        return context


class SectionEditView(_ReportView):
    allowed_roles = ADMINS
    template_name = "reports/section_edit.html"

    def section(self) -> ReportSection:
        return get_object_or_404(self.report().sections, key=self.kwargs["key"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        section = kwargs.get("section") or self.section()
        context.update(
            report=section.report,
            section=section,
            form=kwargs.get("form") or SectionForm(initial={"text": section.text}),
            preview=markdown_html(section.text),
        )
        return context

    def post(self, request, *args, **kwargs):
        section = self.section()
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                section = services.section_edit(
                    organization=self.organization,
                    actor=request.user,
                    section=section,
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                if section.flagged_numbers:
                    messages.warning(
                        request,
                        f"Saved. Not in the facts: {', '.join(section.flagged_numbers)} - "
                        "check them before approval.",
                    )
                else:
                    messages.success(request, "Saved; every number is in the facts.")
                return self.back()
        return self.render_to_response(
            self.get_context_data(form=form, section=section), status=400
        )


class _ActionView(OrgView):
    """A POST that changes a report's state, then back to the report with a message."""

    abstract = True
    allowed_roles = ADMINS

    def report(self) -> Report:
        return selectors.report_for(self.membership, self.kwargs["pk"])

    def back(self):
        return redirect("reports:detail", org_slug=self.organization.slug, pk=self.kwargs["pk"])

    def act(self, report: Report) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        report = self.report()
        try:
            message = self.act(report)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        messages.success(request, message)
        return self.back()


class RefreshView(_ActionView):
    def act(self, report: Report) -> str:
        changed = services.report_refresh(
            organization=self.organization, actor=self.request.user, report=report
        )
        return (
            "The facts changed: the sections not edited by hand are being written again."
            if changed
            else "The facts have not changed since the draft; nothing to refresh."
        )


class ApproveView(_ActionView):
    def act(self, report: Report) -> str:
        form = ApproveForm(self.request.POST)
        form.is_valid()
        services.report_approve(
            organization=self.organization,
            actor=self.request.user,
            report=report,
            accept_flags=form.cleaned_data.get("accept_flags", False),
        )
        return "Approved. Publish it to show it to the executives."


class PublishView(_ActionView):
    def act(self, report: Report) -> str:
        services.report_publish(
            organization=self.organization, actor=self.request.user, report=report
        )
        return "Published: executives can read it now."


class PdfView(_ReportView):
    allowed_roles = LEADERS

    def get(self, request, *args, **kwargs):
        report = self.report()
        response = HttpResponse(
            report_pdf(report, self.organization), content_type="application/pdf"
        )
        name = f"{self.organization.slug}-report-{report.period}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class FactsZipView(_ReportView):
    """The facts document as CSVs: one of every figure with its source, one per chart."""

    allowed_roles = LEADERS

    def get(self, request, *args, **kwargs):
        report = self.report()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "facts.csv",
                _csv(
                    [
                        "section",
                        "key",
                        "figure",
                        "value",
                        "unit",
                        "previous",
                        "suppressed",
                        "module",
                        "query",
                        "period",
                        "link",
                    ],
                    [
                        [
                            s["key"],
                            f["key"],
                            f["label"],
                            f["value"],
                            f["unit"],
                            f["previous"],
                            f["suppressed"],
                            f["source"].get("module"),
                            f["source"].get("query"),
                            f["source"].get("period"),
                            f["link"],
                        ]
                        for s in report.facts["sections"]
                        for f in s["facts"]
                    ],
                ),
            )
            for s in report.facts["sections"]:
                for chart in s["charts"]:
                    archive.writestr(
                        f"chart-{chart['key']}.csv", _csv(chart["columns"], chart["rows"])
                    )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        name = f"{self.organization.slug}-report-{report.period}-facts.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()
