"""OrgViewSet: the one mandatory base for every API endpoint under /api/v1/o/<org_slug>/.

Like OrgView, it resolves the organisation and the caller's membership before the handler
runs (outsiders get 404, insufficient roles 403) and runs the handler inside the tenant
context. Subclasses may not override get_queryset: the only queryset entry point is the
model's scoped manager, narrowed if needed through `scope_queryset`.
"""

import sys
from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions, viewsets
from rest_framework.permissions import SAFE_METHODS

from accounts.permissions import TokenScope, token_scope_allows
from tenancy.access import NotAMember, resolve_membership
from tenancy.api.pagination import PagePagination
from tenancy.api.schema import OrgAutoSchema
from tenancy.context import org_context


class OrgViewSet(viewsets.GenericViewSet):
    read_roles: ClassVar[frozenset[str]]
    write_roles: ClassVar[frozenset[str]] = frozenset()
    # Declares the answers the walls give (401, 403, 404, and 400 on writes) for every
    # endpoint, so a viewset documents only its success response.
    schema = OrgAutoSchema()
    pagination_class = PagePagination
    # Scopes of integrator tokens this endpoint accepts (accounts.permissions); none by default.
    token_scopes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise ImproperlyConfigured(
                f"{cls.__name__} overrides get_queryset; override scope_queryset instead"
            )
        if not getattr(cls, "read_roles", None):
            raise ImproperlyConfigured(f"{cls.__name__} must set read_roles")

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication and IsAuthenticated
        try:
            organization, membership = resolve_membership(request.user, kwargs["org_slug"])
        except NotAMember:
            raise exceptions.NotFound("No such organisation.") from None
        # A scoped token works in its one organisation only, and only where its scope is
        # accepted - checked here too, in case a viewset replaced permission_classes.
        token_org = getattr(request.auth, "organization_id", None)
        if token_org is not None and token_org != organization.pk:
            raise exceptions.NotFound("No such organisation.")
        if not token_scope_allows(request, self):
            raise exceptions.PermissionDenied(TokenScope.message)
        roles = self.read_roles if request.method in SAFE_METHODS else self.write_roles
        if membership.role not in roles:
            raise exceptions.PermissionDenied("Your role does not allow this.")
        self.organization = organization
        self.membership = membership
        self._tenant = org_context(organization)
        self._tenant.__enter__()

    def dispatch(self, request, *args, **kwargs):
        self._tenant = None
        try:
            response = super().dispatch(request, *args, **kwargs)
            if self._tenant is not None and not response.is_rendered:
                response = response.render()
            return response
        finally:
            if self._tenant is not None:
                # An exception on its way out rolls the request's transaction back.
                self._tenant.__exit__(*sys.exc_info())

    def get_queryset(self):
        # `queryset` is an empty queryset naming the model (so that schema generation can
        # read it without a tenant); rows always come from the scoped manager.
        return self.scope_queryset(self.queryset.model.objects.all())

    def scope_queryset(self, queryset):
        return queryset

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["organization"] = getattr(self, "organization", None)
        return context
