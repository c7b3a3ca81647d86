"""The inventory read API: every tool in use in the last 90 days with its figures (withheld
where fewer than the anonymity threshold use it - `withheld` then says why), its risk score
and the score's inputs. Admins and executives, as on the page."""

from django.http import Http404
from rest_framework import serializers
from rest_framework.response import Response

from shadow_ai.models import Tool
from shadow_ai.selectors.inventory import inventory
from tenancy.api.base import OrgViewSet
from tenancy.roles import LEADERS


class RiskSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="0-100: 100 x T x S x (0.5+0.5E) x (0.5+0.5D)")
    band = serializers.ChoiceField(choices=["low", "medium", "high"])
    tool_risk = serializers.FloatField(help_text="T: the tool's risk attributes, 0-1")
    status_factor = serializers.FloatField(help_text="S: the sanction status, 0.2-1")
    exposure = serializers.FloatField(help_text="E: users and volume, 0-1")
    sensitivity = serializers.FloatField(help_text="D: the departments' sensitivity, 0-1")
    reasons = serializers.ListField(child=serializers.CharField())


class ToolUsageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="tool.pk")
    name = serializers.CharField(source="tool.name")
    category = serializers.CharField(source="tool.category")
    status = serializers.CharField(source="tool.status")
    conditions = serializers.CharField(source="tool.conditions")
    source = serializers.CharField(source="tool.source")
    domains = serializers.ListField(child=serializers.CharField(), source="tool.domains")
    users = serializers.IntegerField(allow_null=True)
    events = serializers.IntegerField(allow_null=True)
    sensitive_events = serializers.IntegerField(allow_null=True)
    withheld = serializers.CharField(
        source="release.total.why", help_text="Why figures are missing ('' when shown)."
    )
    risk = RiskSerializer()


class ShadowToolViewSet(OrgViewSet):
    """Shadow-AI inventory: tools in use in the last 90 days, riskiest first."""

    queryset = Tool.objects.none()
    serializer_class = ToolUsageSerializer
    read_roles = LEADERS
    pagination_class = None

    def list(self, request, *args, **kwargs):
        rows = inventory(organization=self.organization).rows
        return Response(ToolUsageSerializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        rows = inventory(organization=self.organization).rows
        row = next((r for r in rows if pk.isdigit() and r.tool.pk == int(pk)), None)
        if row is None:
            raise Http404("No such tool in use.")
        return Response(ToolUsageSerializer(row).data)
