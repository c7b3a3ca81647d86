"""The shadow-AI ingestion API: push events, upload a log file, follow an upload.

Admins, and for pushing events also integrator tokens (scope shadow_ai.events.push).
Pushes are idempotent per event id; uploads per file (SHA-256).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from shadow_ai.models import LogSource, RejectedRow, Upload
from shadow_ai.services.governance import PUSH_SCOPE
from shadow_ai.services.ingest import MAX_PUSH_EVENTS, events_push, upload_create
from tenancy.api.base import OrgViewSet
from tenancy.api.errors import api_error
from tenancy.roles import ADMINS


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = LogSource
        fields = ["id", "name", "format", "options", "created_at"]


class UploadSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Upload
        fields = [
            "id",
            "kind",
            "source",
            "filename",
            "size",
            "sha256",
            "status",
            "total",
            "accepted",
            "rejected",
            "duplicate",
            "ignored",
            "progress",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class UploadCreatedSerializer(serializers.Serializer):
    upload = UploadSerializer()
    duplicate = serializers.BooleanField(
        help_text="True when this file was uploaded before: nothing is counted again."
    )


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A log file, optionally gzipped.")
    source = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text="The log source's id (its format)."
    )


class RejectedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["line_no", "reason", "excerpt"]


class EventInputSerializer(serializers.Serializer):
    id = serializers.CharField(
        required=False, max_length=200, help_text="Your id for the event (idempotency)."
    )
    ts = serializers.DateTimeField(help_text="When it happened (ISO 8601).")
    user = serializers.CharField(required=False, max_length=320, help_text="Email or user name.")
    ip = serializers.IPAddressField(required=False, help_text="Client address.")
    host = serializers.CharField(max_length=253)
    path = serializers.CharField(required=False, max_length=2000, allow_blank=True)
    bytes = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
    action = serializers.CharField(required=False, max_length=40, allow_blank=True)
    app = serializers.CharField(required=False, max_length=200, allow_blank=True)
    prompt = serializers.CharField(
        required=False,
        max_length=20000,
        allow_blank=True,
        help_text="Prompt text, scrubbed of personal data before it is stored.",
    )


class EventBatchSerializer(serializers.Serializer):
    events = EventInputSerializer(many=True, min_length=1, max_length=MAX_PUSH_EVENTS)


class PushRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the event in the request (from 0).")
    reason = serializers.CharField()


class PushResultSerializer(serializers.Serializer):
    upload = serializers.IntegerField(help_text="The upload recording this push.")
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField(help_text="Events already stored (same id or content).")
    ignored = serializers.IntegerField(help_text="Events for hosts classified as not AI.")
    rejected = PushRejectionSerializer(many=True)


UNKNOWN_SOURCE = OpenApiResponse(description="No such log source in the organisation.")


class SourceViewSet(mixins.ListModelMixin, OrgViewSet):
    """The organisation's log sources (their ids are what a file upload names)."""

    queryset = LogSource.objects.none()
    serializer_class = SourceSerializer
    read_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.order_by("name", "pk")


class UploadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Log uploads: send a file, then follow its status and rejected rows."""

    queryset = Upload.objects.none()
    serializer_class = UploadSerializer
    parser_classes = [MultiPartParser]
    read_roles = ADMINS
    write_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "-pk")

    @extend_schema(
        request={"multipart/form-data": UploadInputSerializer},
        responses={
            201: UploadCreatedSerializer,
            200: OpenApiResponse(UploadCreatedSerializer, "The same file was uploaded before."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Upload a log file; it is processed in the background (follow its status)."""
        data = UploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = LogSource.objects.filter(pk=data.validated_data["source"]).first()
        if source is None:
            raise serializers.ValidationError({"source": ["No such log source."]})
        upload = data.validated_data["file"]
        try:
            created = upload_create(
                organization=self.organization,
                actor=request.user,
                membership=self.membership,
                source=source,
                fileobj=upload,
                filename=upload.name or "upload.log",
            )
        except ValidationError as exc:
            raise api_error(exc) from None
        body = UploadCreatedSerializer(
            {"upload": created.upload, "duplicate": created.duplicate}
        ).data
        return Response(
            body, status=status.HTTP_200_OK if created.duplicate else status.HTTP_201_CREATED
        )

    @extend_schema(responses=RejectedRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rejected(self, request, *args, **kwargs):
        """The upload's rejected rows: line number (index for pushes) and reason."""
        upload = self.get_object()
        rows = RejectedRow.objects.filter(upload=upload).order_by("line_no", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)


class EventPushViewSet(OrgViewSet):
    """Push events in batches (JSON, at most 10,000 per request). Integrator tokens
    (scoped to pushing events) are accepted here and nowhere else."""

    queryset = Upload.objects.none()
    serializer_class = EventBatchSerializer
    parser_classes = [JSONParser]
    read_roles = ADMINS
    write_roles = ADMINS
    token_scopes = (PUSH_SCOPE,)

    @extend_schema(request=EventBatchSerializer, responses=PushResultSerializer)
    def create(self, request, *args, **kwargs):
        """Store a batch of events. The same event id sent again is counted once; events
        the server refuses (a future timestamp, no user or address) are listed."""
        data = EventBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records = []
        for event in data.validated_data["events"]:
            record = {k: v for k, v in event.items() if v not in (None, "")}
            record["ts"] = event["ts"].timestamp()
            records.append(record)
        try:
            result = events_push(
                organization=self.organization,
                actor=request.user,
                membership=self.membership,
                records=records,
            )
        except ValidationError as exc:
            raise api_error(exc) from None
        if result is None:  # pragma: no cover
            raise exceptions.APIException()
        return Response(
            PushResultSerializer(
                {
                    "upload": result.upload.pk,
                    "accepted": result.accepted,
                    "duplicate": result.duplicate,
                    "ignored": result.ignored,
                    "rejected": result.rejected,
                }
            ).data
        )
