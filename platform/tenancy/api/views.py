from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tenancy import selectors
from tenancy.api.base import OrgViewSet
from tenancy.api.errors import api_error
from tenancy.api.schema import VALIDATION_ERROR, ApiAutoSchema
from tenancy.api.serializers import (
    DepartmentInputSerializer,
    DepartmentSerializer,
    MemberSerializer,
    MeSerializer,
)
from tenancy.models import Department, Membership
from tenancy.roles import ADMINS, EVERYONE
from tenancy.services.organizations import department_create


class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Departments of the organisation. Any member reads; admins create."""

    queryset = Department.objects.none()
    serializer_class = DepartmentSerializer
    read_roles = EVERYONE
    write_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.order_by("name")

    @extend_schema(
        request=DepartmentInputSerializer,
        responses={
            201: DepartmentSerializer,
            409: OpenApiResponse(VALIDATION_ERROR, "A department of that name exists."),
        },
    )
    def create(self, request, *args, **kwargs):
        data = DepartmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            department = department_create(
                organization=self.organization, actor=request.user, name=data.validated_data["name"]
            )
        except ValidationError as exc:
            raise api_error(exc) from None
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Members of the organisation, for admins and integrations."""

    queryset = Membership.objects.none()
    serializer_class = MemberSerializer
    read_roles = ADMINS

    def scope_queryset(self, queryset):
        return queryset.select_related("user", "department").order_by("user__email", "pk")


class MeView(APIView):
    """The caller and the organisations they belong to."""

    tenant_exempt = True  # about the caller only; lists organisations, never their data
    schema = ApiAutoSchema()

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = {
            "email": request.user.email,
            "name": request.user.full_name,
            "organizations": selectors.memberships_for_user(request.user),
        }
        return Response(MeSerializer(data).data)
