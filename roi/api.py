"""The use-case API: CRUD, measurements pushed singly or in batches, ROI figures.

Roles are those of the pages: any member reads use cases and proposes one; admins edit and
delete them and push measurements; admins and executives read the portfolio.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from roi.models import (
    AIType,
    Breadth,
    Latency,
    Measurement,
    RiskClass,
    Sensitivity,
    Sourcing,
    TaskType,
    UseCase,
)
from roi.selectors.returns import portfolio, use_case_returns
from roi.services import metrics as metric_service
from roi.services import use_cases as service
from tenancy.api.base import OrgViewSet
from tenancy.api.errors import Conflict, api_error
from tenancy.api.schema import VALIDATION_ERROR
from tenancy.api.serializers import NameField
from tenancy.models import Department
from tenancy.roles import ADMINS, EVERYONE, LEADERS

FIELDS = service.EDITABLE


class UseCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = UseCase
        fields = ["id", "stage", *FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "stage", "created_at", "updated_at"]


class StrictTypeMixin:
    """Refuses JSON values of the wrong type that DRF would coerce (5 for "5", "5" for 5,
    true for 1), so that what the schema rejects the server rejects too."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, bool) != (bool in self.json_types) or not isinstance(
            data, self.json_types
        ):
            raise serializers.ValidationError(f"Expected {self.type_name}.")
        return super().to_internal_value(data)


class StrictName(StrictTypeMixin, NameField):
    json_types, type_name = (str,), "a string"


class StrictInteger(StrictTypeMixin, serializers.IntegerField):
    json_types, type_name = (int,), "a whole number"


class TextField(StrictTypeMixin, serializers.CharField):
    json_types, type_name = (str,), "a string"

    """Optional free text as sent (no trimming), no NUL: the schema's rules are the server's."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(
            required=False,
            # Blank is "leave it out": allowing "" makes drf-spectacular describe the field
            # as oneOf(pattern, maxLength 0), which "" matches twice - invalid JSON Schema.
            allow_blank=False,
            trim_whitespace=False,
            validators=[RegexValidator(r"^[^\x00]+$", "Leave it out, or give text without NUL.")],
            **kwargs,
        )


class StrictBooleanField(StrictTypeMixin, serializers.BooleanField):
    json_types, type_name = (bool,), "true or false"


class AmountField(StrictTypeMixin, serializers.FloatField):
    """A JSON number, stored as a decimal with `places` decimals (rounded, not refused)."""

    def __init__(self, *, places: int, **kwargs) -> None:
        self.places = places
        super().__init__(**kwargs)

    json_types, type_name = (int, float), "a number"

    def to_internal_value(self, data):
        return Decimal(str(round(super().to_internal_value(data), self.places)))


class UseCaseInputSerializer(serializers.Serializer):
    title = StrictName(max_length=200)
    problem = StrictName(max_length=5000)
    process = TextField(max_length=5000)
    expected_benefits = TextField(max_length=5000)
    department = StrictInteger(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text="A department's id; a department of another organisation is unknown here.",
    )
    owner = TextField()
    sponsor = TextField()
    expected_users = StrictInteger(required=False, min_value=0, max_value=2_000_000_000)
    ai_type = serializers.ChoiceField(AIType.choices, required=False)
    sourcing = serializers.ChoiceField(Sourcing.choices, required=False)
    personal_data = StrictBooleanField(required=False)
    risk_class = serializers.ChoiceField(RiskClass.choices, required=False)
    daily_requests = StrictInteger(required=False, min_value=0, max_value=2_000_000_000)
    latency = serializers.ChoiceField(Latency.choices, required=False)
    sensitivity = serializers.ChoiceField(Sensitivity.choices, required=False)
    task_type = serializers.ChoiceField(TaskType.choices, required=False)
    breadth = serializers.ChoiceField(Breadth.choices, required=False)
    edge = StrictBooleanField(required=False)
    estimated_annual_value = AmountField(places=2, required=False, min_value=0, max_value=1e11)
    confidence = AmountField(places=2, required=False, min_value=0, max_value=1)


class SummarySerializer(serializers.Serializer):
    invested = serializers.FloatField()
    value = serializers.FloatField(help_text="Realised value.")
    net = serializers.FloatField()
    roi_percent = serializers.FloatField(allow_null=True)
    payback_month = serializers.IntegerField(allow_null=True)
    npv = serializers.FloatField(help_text="Over 3 years at the organisation's discount rate.")
    risk_adjusted_value = serializers.FloatField()


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    benefit = serializers.FloatField()
    cost = serializers.FloatField()
    cumulative_benefit = serializers.FloatField()
    cumulative_cost = serializers.FloatField()


class ReturnsSerializer(serializers.Serializer):
    summary = SummarySerializer()
    months = MonthSerializer(many=True, source="rows")


class PortfolioSerializer(serializers.Serializer):
    summary = SummarySerializer(source="total.summary")
    stage_counts = serializers.DictField(child=serializers.IntegerField())
    piloted = serializers.IntegerField()
    reached_production = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True)
    initiatives = serializers.IntegerField()
    initiatives_with_tier3 = serializers.IntegerField()
    tier3_share = serializers.FloatField(allow_null=True)


UNKNOWN_DEPARTMENT = OpenApiResponse(VALIDATION_ERROR, "No such department here.")


class UseCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrgViewSet,
):
    """AI use cases of the organisation."""

    queryset = UseCase.objects.none()
    serializer_class = UseCaseSerializer
    parser_classes = [JSONParser]
    read_roles = EVERYONE
    write_roles = EVERYONE  # anyone proposes; edits and deletes are checked below (admins)

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "pk")

    def _fields(self, data: dict) -> dict:
        # An unknown department is a clash with the stored data, not malformed input: 409.
        fields = dict(data)
        if fields.get("department") is not None:
            department = Department.objects.filter(pk=fields["department"]).first()
            if department is None:
                raise Conflict({"department": [f"No department {fields['department']} here."]})
            fields["department"] = department
        return fields

    def _admin_only(self) -> None:
        if self.membership.role not in ADMINS:
            raise exceptions.PermissionDenied("Only admins may change or delete a use case.")

    @extend_schema(
        request=UseCaseInputSerializer, responses={201: UseCaseSerializer, 409: UNKNOWN_DEPARTMENT}
    )
    def create(self, request, *args, **kwargs):
        data = UseCaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            use_case = service.use_case_propose(
                organization=self.organization,
                actor=request.user,
                **self._fields(data.validated_data),
            )
        except ValidationError as exc:
            raise api_error(exc) from None
        return Response(UseCaseSerializer(use_case).data, status=status.HTTP_201_CREATED)

    def _update(self, request, partial: bool):
        self._admin_only()
        use_case = self.get_object()
        data = UseCaseInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        try:
            use_case = service.use_case_update(
                use_case=use_case, actor=request.user, **self._fields(data.validated_data)
            )
        except ValidationError as exc:
            raise api_error(exc) from None
        return Response(UseCaseSerializer(use_case).data)

    @extend_schema(
        request=UseCaseInputSerializer, responses={200: UseCaseSerializer, 409: UNKNOWN_DEPARTMENT}
    )
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(
        request=UseCaseInputSerializer, responses={200: UseCaseSerializer, 409: UNKNOWN_DEPARTMENT}
    )
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    def destroy(self, request, *args, **kwargs):
        self._admin_only()
        service.use_case_delete(use_case=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=ReturnsSerializer)
    @action(detail=True, methods=["get"])
    def roi(self, request, *args, **kwargs):
        """Net benefit, ROI %, payback month, NPV and the monthly series of one use case."""
        return Response(ReturnsSerializer(use_case_returns(self.get_object())).data)

    @extend_schema(responses=PortfolioSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def portfolio(self, request, *args, **kwargs):
        """The portfolio figures of the executive page (admins and executives)."""
        if self.membership.role not in LEADERS:
            raise exceptions.PermissionDenied("Your role does not allow this.")
        return Response(PortfolioSerializer(portfolio(self.organization)).data)


class MeasurementInputSerializer(serializers.Serializer):
    metric = StrictInteger(min_value=1, max_value=2**62, help_text="The metric's id.")
    period = serializers.DateField(help_text="Any day of the month measured.")
    value = AmountField(places=4, min_value=-1e11, max_value=1e11)


class MeasurementBatchSerializer(serializers.Serializer):
    measurements = MeasurementInputSerializer(many=True, max_length=5000)


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ["id", "metric", "period", "value", "source", "recorded_at"]


CONFLICT = OpenApiResponse(
    VALIDATION_ERROR,
    "No such metric in the organisation, a period in the future, or a period given twice; "
    "nothing was saved.",
)


def flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as {field: [messages]}, rows numbered from 1."""
    flat: dict[str, list[str]] = {}

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, f"row {key + 1}" if isinstance(key, int) else str(key)])
        elif isinstance(node, list) and node and not all(isinstance(n, str) for n in node):
            for i, value in enumerate(node, start=1):
                if value:
                    walk(value, [*path, f"row {i}"])
        else:
            messages = node if isinstance(node, list) else [node]
            field = path[0] if path else "non_field_errors"
            where = ", ".join(p for p in path[1:] if p != "non_field_errors")
            flat.setdefault(field, []).extend(
                f"{where}: {m}" if where else str(m) for m in messages
            )

    walk(errors, [prefix] if prefix else [])
    return flat


class MeasurementViewSet(mixins.ListModelMixin, OrgViewSet):
    """Measurements. Pushing a metric's period again replaces its value (idempotent)."""

    queryset = Measurement.objects.none()
    serializer_class = MeasurementSerializer
    parser_classes = [JSONParser]
    read_roles = ADMINS
    write_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.order_by("metric_id", "period", "pk")

    def _record(self, rows):
        # The body is well formed by now; what is left clashes with the stored data (no such
        # metric here), the calendar (a future period) or itself (a period twice): 409.
        try:
            return metric_service.measurements_record(
                use_case=None,
                actor=self.request.user,
                source=Measurement.Source.API,
                rows=[metric_service.Row(r["metric"], r["period"], r["value"]) for r in rows],
            )
        except ValidationError as exc:
            raise Conflict({"measurements": exc.messages}) from None

    @extend_schema(
        request=MeasurementInputSerializer,
        responses={200: MeasurementSerializer, 409: CONFLICT},
    )
    def create(self, request, *args, **kwargs):
        data = MeasurementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        (saved,) = self._record([data.validated_data])
        return Response(MeasurementSerializer(saved).data)

    @extend_schema(
        request=MeasurementBatchSerializer,
        responses={200: MeasurementSerializer(many=True), 409: CONFLICT},
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def batch(self, request, *args, **kwargs):
        """Many measurements at once: all are saved, or none (errors name each row)."""
        data = MeasurementBatchSerializer(data=request.data)
        if not data.is_valid():
            raise serializers.ValidationError(flatten(data.errors))
        saved = self._record(data.validated_data["measurements"])
        return Response(MeasurementSerializer(saved, many=True).data)
