"""Fluency analytics for admins, executives and managers (their departments only).

Every figure shown here, in a chart, a table or a CSV, comes from a `privacy.Release`
built by the selector; this view only lays it out.
"""

from django.db import transaction
from django.views.generic import TemplateView

from assessments.models import Campaign
from assessments.selectors import analytics
from assessments.services.analytics import item_statistics_request_refresh
from assessments.tasks import refresh_item_statistics_task
from common.exports import csv_response
from tenancy.models import Role
from tenancy.roles import MANAGERS
from tenancy.views.base import OrgView


def scope_for(view) -> analytics.Scope:
    return analytics.Scope.for_membership(view.organization, view.membership)


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
        campaign = next(
            (c for c in campaigns if str(c.pk) == wanted), None
        ) or analytics.default_campaign(scope, campaigns)
        same_framework = [
            c for c in campaigns if c.version.framework_id == campaign.version.framework_id
        ]
        # One release for the campaign: the cards and the heatmap rows are the total and
        # the cells of the same partition, so their suppression is decided together.
        release = analytics.campaign_release(scope, campaign)
        summary = analytics.campaign_summary(scope, campaign, release)
        version = campaign.version
        labels = {level["key"]: level["label"] for level in version.levels}
        trend = analytics.trend(scope, same_framework)
        heatmap = analytics.department_heatmap(scope, campaign, release)
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
            "items": self.item_statistics(scope, campaign)
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

    def item_statistics(self, scope: analytics.Scope, campaign: Campaign) -> dict:
        """The cached statistics; when they are out of date, one background refresh is
        asked for and enqueued once the request's transaction commits."""
        items = analytics.item_statistics_cached(scope, campaign)
        if items["refresh_due"] and item_statistics_request_refresh(
            organization=self.organization, campaign=campaign
        ):
            org_id, campaign_id = self.organization.pk, campaign.pk
            transaction.on_commit(lambda: refresh_item_statistics_task.delay(org_id, campaign_id))
        return items

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
                    r["reason"],
                ]
                for r in heatmap["rows"]
            )
            return csv_response(
                f"{slug}-fluency-heatmap.csv",
                ["department", "respondents", *heatmap["competencies"], "note"],
                rows,
            )
        if table == "trend":
            rows = (
                [
                    t.campaign.name,
                    "suppressed" if t.suppressed else t.respondents,
                    "" if t.suppressed else round(t.share_at_or_above, 4),
                    "" if t.suppressed else round(t.mean_score, 2),
                    t.reason,
                ]
                for t in data["trend"]
            )
            return csv_response(
                f"{slug}-fluency-trend.csv",
                ["campaign", "respondents", "share_at_or_above", "mean_score", "note"],
                rows,
            )
        if table == "items" and data["items"] is not None:
            rows = (
                [
                    i["key"],
                    i["competency"],
                    i["track"],
                    "suppressed" if i.get("suppressed") else i["difficulty"],
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
        if table == "segments":
            rows = (
                [["suppressed", summary.reason]]
                if summary.suppressed
                else [[name, n] for name, n in summary.segments.items()]
            )
            return csv_response(f"{slug}-fluency-segments.csv", ["segment", "people"], rows)
        rows = (
            [["suppressed", summary.reason]]
            if summary.suppressed
            else [[label, n] for label, n in data["levels"]]
        )
        return csv_response(f"{slug}-fluency-levels.csv", ["level", "people"], rows)
