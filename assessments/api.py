"""Read endpoints for BI tools: fluency aggregates through `privacy`, as on the pages.

Each campaign's headline figures are the released total of its department partition;
suppressed campaigns come back with `suppressed: true`, a `reason` and no figures.
"""

from rest_framework import mixins, serializers
from rest_framework.response import Response

from assessments.models import Campaign
from assessments.selectors import analytics
from tenancy.api.base import OrgViewSet
from tenancy.roles import MANAGERS


class CampaignAggregateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="campaign.pk")
    name = serializers.CharField(source="campaign.name")
    opens_at = serializers.DateTimeField(source="campaign.opens_at")
    closes_at = serializers.DateTimeField(source="campaign.closes_at")
    respondents = serializers.SerializerMethodField()
    suppressed = serializers.BooleanField()
    level_counts = serializers.DictField(child=serializers.IntegerField())
    share_at_or_above_minimum = serializers.FloatField(source="share_at_or_above", allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    segments = serializers.DictField(child=serializers.IntegerField())
    reason = serializers.CharField(help_text="Why the figures are withheld; empty when shown.")

    def get_respondents(self, summary) -> int | None:
        return None if summary.suppressed else summary.respondents


class FluencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """AI-fluency aggregates per campaign. Groups under the anonymity threshold come back
    with `suppressed: true` and no figures; managers get their departments only."""

    queryset = Campaign.objects.none()
    serializer_class = CampaignAggregateSerializer
    read_roles = MANAGERS

    def scope_queryset(self, queryset):
        return queryset.select_related("version").order_by("-opens_at")

    def _scope(self) -> analytics.Scope:
        return analytics.Scope.for_membership(self.organization, self.membership)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        summaries = analytics.campaign_summaries(self._scope(), page)
        return self.get_paginated_response(self.get_serializer(summaries, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        summary = analytics.campaign_summary(self._scope(), self.get_object())
        return Response(self.get_serializer(summary).data)
