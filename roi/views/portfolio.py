"""The portfolio for executives, and the organisation's ROI settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from roi.forms import SettingsForm
from roi.models import Stage
from roi.selectors.returns import portfolio
from roi.selectors.settings import roi_settings
from roi.services.settings import PRICE_FIELDS, roi_settings_update
from tenancy.roles import ADMINS, LEADERS
from tenancy.views.base import OrgView


class PortfolioView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "roi/portfolio.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            data = portfolio(self.organization)
            rows = (
                (
                    r["pk"],
                    r["title"],
                    r["stage"],
                    round(r["summary"].invested, 2),
                    round(r["summary"].value, 2),
                    round(r["summary"].net, 2),
                    None
                    if r["summary"].roi_percent is None
                    else round(r["summary"].roi_percent, 1),
                    r["summary"].payback_month,
                    round(r["summary"].npv, 2),
                    round(r["summary"].risk_adjusted_value, 2),
                    "yes" if r["measured"] else "no",
                )
                for r in data.rows
            )
            return csv_response(
                f"{self.organization.slug}-portfolio.csv",
                [
                    "id",
                    "use case",
                    "stage",
                    "invested",
                    "realised value",
                    "net benefit",
                    "roi %",
                    "payback month",
                    "npv 3y",
                    "risk-adjusted value",
                    "measured tier 3",
                ],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = portfolio(self.organization)
        context.update(
            portfolio=data,
            risk_adjusted=sum(r["summary"].risk_adjusted_value for r in data.rows),
            stages=[(Stage(k).label, v) for k, v in data.stage_counts.items()],
            stage_chart={
                "x": [Stage(k).label for k in data.stage_counts],
                "y": list(data.stage_counts.values()),
            },
        )
        return context


class SettingsView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "roi/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SettingsForm(instance=roi_settings(self.organization)))
        return context

    def post(self, request, *args, **kwargs):
        form = SettingsForm(request.POST, instance=roi_settings(self.organization))
        if form.is_valid():
            try:
                roi_settings_update(
                    organization=self.organization,
                    actor=request.user,
                    **{f: form.cleaned_data[f] for f in PRICE_FIELDS},
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Settings saved.")
                return redirect("roi:settings", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
