"""Fluency analytics for admins, executives and managers (their departments only)."""

from django.views.generic import TemplateView

from assessments.models import Campaign
from assessments.selectors import analytics
from common.exports import csv_response
from tenancy.models import Role
from tenancy.roles import MANAGERS
from tenancy.views.base import OrgView


def scope_for(view) -> analytics.Scope:
    """Admins and executives see the organisation; managers the departments they oversee."""
    if view.membership.role == Role.MANAGER:
        ids = list(view.membership.managed_departments.values_list("pk", flat=True))
        return analytics.Scope(view.organization, ids)
    return analytics.Scope(view.organization)


class AnalyticsView(OrgView, TemplateView):
    allowed_roles = MANAGERS
    template_name = "assessments/analytics.html"

    def data(self) -> dict:
        scope = scope_for(self)
        campaigns = list(
            Campaign.objects.select_related("version__framework").order_by("-opens_at")
        )
        if not campaigns:
            return {"campaign": None, "campaigns": []}
        wanted = self.request.GET.get("campaign", "")
        campaign = next((c for c in campaigns if str(c.pk) == wanted), campaigns[0])
        same_framework = [
            c for c in campaigns if c.version.framework_id == campaign.version.framework_id
        ]
        summary = analytics.campaign_summary(scope, campaign)
        version = campaign.version
        labels = {level["key"]: level["label"] for level in version.levels}
        trend = analytics.trend(scope, same_framework)
        heatmap = analytics.department_heatmap(scope, campaign)
        return {
            "scope": scope,
            "campaign": campaign,
            "campaigns": campaigns,
            "summary": summary,
            "bar_label": labels.get(analytics.minimum_level(scope, version)),
            "levels": [(labels[k], n) for k, n in summary.level_counts.items()],
            "heatmap": heatmap,
            "trend": trend,
            # Item statistics are for admins, organisation-wide, from the background cache.
            "items": analytics.item_statistics_cached(scope, campaign)
            if self.membership.role == Role.ADMIN
            else None,
            "charts": {
                "levels": {
                    "x": [labels[k] for k in summary.level_counts],
                    "y": list(summary.level_counts.values()),
                },
                "trend": {
                    "x": [t.campaign.name for t in trend if not t.suppressed],
                    "y": [round(100 * t.share_at_or_above, 1) for t in trend if not t.suppressed],
                },
                "segments": {"x": list(summary.segments), "y": list(summary.segments.values())},
                # Suppressed departments stay out of the chart; the table says why.
                "heatmap": {
                    "x": heatmap["competencies"],
                    "y": [r["department"] for r in heatmap["rows"] if not r["suppressed"]],
                    "z": [r["scores"] for r in heatmap["rows"] if not r["suppressed"]],
                },
            },
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.data())
        return context

    def get(self, request, *args, **kwargs):
        table = request.GET.get("format") == "csv" and request.GET.get("table", "levels")
        if not table:
            return super().get(request, *args, **kwargs)
        data = self.data()
        slug = self.organization.slug
        if data["campaign"] is None:
            return csv_response(f"{slug}-fluency.csv", ["message"], [["no campaigns yet"]])
        if table == "heatmap":
            heatmap = data["heatmap"]
            rows = (
                [
                    r["department"],
                    r["respondents"] if not r["suppressed"] else "suppressed",
                    *(s if s is not None else "" for s in r["scores"]),
                ]
                for r in heatmap["rows"]
            )
            return csv_response(
                f"{slug}-fluency-heatmap.csv",
                ["department", "respondents", *heatmap["competencies"]],
                rows,
            )
        if table == "trend":
            rows = (
                [
                    t.campaign.name,
                    "suppressed" if t.suppressed else t.respondents,
                    "" if t.suppressed else round(t.share_at_or_above, 4),
                    "" if t.suppressed else round(t.mean_score, 2),
                ]
                for t in data["trend"]
            )
            return csv_response(
                f"{slug}-fluency-trend.csv",
                ["campaign", "respondents", "share_at_or_above", "mean_score"],
                rows,
            )
        if table == "items" and data["items"] is not None:
            rows = (
                [
                    i["key"],
                    i["competency"],
                    i["track"],
                    i["difficulty"],
                    i["discrimination"],
                    "; ".join(i["flags"]),
                ]
                for i in data["items"]["items"]
            )
            return csv_response(
                f"{slug}-item-statistics.csv",
                ["item", "competency", "track", "difficulty", "discrimination", "flags"],
                rows,
            )
        summary = data["summary"]
        rows = (
            [["suppressed", ""]]
            if summary.suppressed
            else [[label, n] for label, n in data["levels"]]
        )
        return csv_response(f"{slug}-fluency-levels.csv", ["level", "people"], rows)
