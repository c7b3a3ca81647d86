from rest_framework import mixins, serializers

from audit.models import AuditEvent
from tenancy.api.base import OrgViewSet
from tenancy.roles import ADMINS


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(
        source="actor.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "before",
            "after",
        ]
        read_only_fields = fields


class AuditEventViewSet(mixins.ListModelMixin, OrgViewSet):
    """The organisation's audit log, newest first (admins)."""

    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventSerializer
    read_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.select_related("actor")
