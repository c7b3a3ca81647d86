"""The scoped manager: the second wall of tenant isolation."""

from django.db import models

from tenancy.context import TenantContextMissing, current_org_id, in_system_context


class TenantManager(models.Manager):
    """Filters every query to the organisation in context, and fails closed without one."""

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        org_id = current_org_id()
        if org_id is not None:
            return queryset.filter(organization_id=org_id)
        if in_system_context():
            return queryset
        raise TenantContextMissing(
            f"{self.model.__name__} rows were queried with no organisation in context; "
            "use tenancy.context.org_context(org)"
        )
