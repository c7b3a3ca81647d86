"""The shadow-AI ingestion API: push events, upload a log file, follow an upload.

Admins, and for pushing events also integrator tokens (scope shadow_ai.events.push).
Pushes are idempotent per event id; uploads per file (SHA-256).
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from shadow_ai.models import LogSource, RejectedRow, Upload
from shadow_ai.services.governance import PUSH_SCOPE
from shadow_ai.services.ingest import MAX_PUSH_EVENTS, events_push, upload_create
from tenancy.api.base import OrgViewSet
from tenancy.api.errors import Conflict, api_error
from tenancy.api.schema import VALIDATION_ERROR
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


class _Strict:
    """Refuses JSON values of another type that DRF would coerce (5 for "5"), so that what
    the schema rejects the server rejects too."""

    json_types: tuple[type, ...] = (str,)
    type_name = "a string"

    def to_internal_value(self, data):
        if isinstance(data, bool) != (bool in self.json_types) or not isinstance(
            data, self.json_types
        ):
            raise serializers.ValidationError(f"Expected {self.type_name}.")
        return super().to_internal_value(data)


class Text(_Strict, serializers.CharField):
    """Text as sent (no trimming), not empty, no NUL: the schema's rules are the server's.
    Optional fields are left out rather than sent empty."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            allow_blank=False,
            trim_whitespace=False,
            validators=[RegexValidator(r"^[^\x00]+$", "Leave it out, or give text without NUL.")],
            **kwargs,
        )


class Count(_Strict, serializers.IntegerField):
    json_types, type_name = (int,), "a whole number"


class EventInputSerializer(serializers.Serializer):
    id = Text(required=False, max_length=200, help_text="Your id for the event (idempotency).")
    ts = serializers.DateTimeField(help_text="When it happened (ISO 8601).")
    user = Text(required=False, max_length=320, help_text="Email or user name.")
    ip = Text(required=False, max_length=64, help_text="Client address.")
    host = Text(max_length=253)
    path = Text(required=False, max_length=2000)
    bytes = Count(required=False, min_value=0, max_value=2**62)
    action = Text(required=False, max_length=40)
    app = Text(required=False, max_length=200)
    prompt = Text(
        required=False,
        max_length=20000,
        help_text="Prompt text, scrubbed of personal data before it is stored.",
    )


class EventBatchSerializer(serializers.Serializer):
    events = EventInputSerializer(many=True, max_length=MAX_PUSH_EVENTS)


class PushRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the event in the request (from 0).")
    reason = serializers.CharField()


class PushResultSerializer(serializers.Serializer):
    upload = serializers.IntegerField(
        allow_null=True, help_text="The upload recording this push (none for an empty one)."
    )
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField(help_text="Events already stored (same id or content).")
    ignored = serializers.IntegerField(help_text="Events for hosts classified as not AI.")
    rejected = PushRejectionSerializer(many=True)


def flatten(errors) -> dict[str, list[str]]:
    """Nested serializer errors as {field: [messages]}, events numbered from 0 (the error
    schema of the API is flat)."""
    flat: dict[str, list[str]] = {}

    def walk(node, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                label = f"event {key}" if isinstance(key, int) or str(key).isdigit() else key
                walk(value, [*path, str(label)])
        elif isinstance(node, list) and node and not all(isinstance(n, str) for n in node):
            for index, value in enumerate(node):
                if value:
                    walk(value, [*path, f"event {index}"])
        else:
            messages = node if isinstance(node, list) else [node]
            field = path[0] if path else "non_field_errors"
            where = ", ".join(path[1:])
            flat.setdefault(field, []).extend(
                f"{where}: {m}" if where else str(m) for m in messages
            )

    walk(errors, [])
    return flat


UNREADABLE = OpenApiResponse(
    VALIDATION_ERROR,
    "No such log source in the organisation, or a file that cannot be a log (empty, binary, "
    "an archive other than gzip, too large); nothing was saved.",
)


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
            409: UNREADABLE,
        },
    )
    def create(self, request, *args, **kwargs):
        """Upload a log file; it is processed in the background (follow its status)."""
        fields = {"source": request.data.get("source"), "file": request.FILES.get("file")}
        if fields["file"] is None and isinstance(request.data.get("file"), str):
            # The file's content sent as a plain form part (no file name): take it as is.
            fields["file"] = ContentFile(request.data["file"].encode(), name="upload.log")
        data = UploadInputSerializer(data=fields)
        data.is_valid(raise_exception=True)
        source = LogSource.objects.filter(pk=data.validated_data["source"]).first()
        if source is None:
            raise Conflict({"source": ["No such log source in this organisation."]})
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
            # A well-formed request whose file cannot be read as a log: the request was
            # valid, the content clashes with what a log is.
            raise Conflict(api_error(exc).detail) from None
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

    @extend_schema(request=EventBatchSerializer, responses={200: PushResultSerializer})
    def create(self, request, *args, **kwargs):
        """Store a batch of events. The same event id sent again is counted once; events
        the server refuses (a future timestamp, no user or address) are listed."""
        data = EventBatchSerializer(data=request.data)
        if not data.is_valid():
            raise serializers.ValidationError(flatten(data.errors))
        if not data.validated_data["events"]:
            empty = {"upload": None, "accepted": 0, "duplicate": 0, "ignored": 0, "rejected": []}
            return Response(PushResultSerializer(empty).data)
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
