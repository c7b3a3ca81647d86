"""The scoped manager: the second wall of tenant isolation."""

from django.db import models
from django.db.models import Expression, F

from tenancy.context import TenantContextMissing, current_org_id, in_system_context


class CurrentOrganization(Expression):
    """`organization_id = <the organisation in context>`, decided when the SQL is compiled.

    Deciding at compile time, not when the queryset is built, lets querysets made at import
    time (model form fields, viewset declarations) filter by whichever organisation is in
    context when they run. Compiling with no organisation in context raises: fail closed.
    In system_context() the condition is simply true.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column=None) -> None:
        super().__init__()
        self.column = column

    def get_source_expressions(self) -> list:
        return [self.column] if self.column is not None else []

    def set_source_expressions(self, exprs) -> None:
        self.column = exprs[0] if exprs else None

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.column = F("organization_id").resolve_expression(query, *args, **kwargs)
        return resolved

    def as_sql(self, compiler, connection):
        org_id = current_org_id()
        if org_id is None:
            if in_system_context():
                return "TRUE", []
            raise TenantContextMissing(
                f"{self.column.target.model.__name__} rows were queried with no organisation "
                "in context; use tenancy.context.org_context(org)"
            )
        sql, params = compiler.compile(self.column)
        return f"{sql} = %s", [*params, org_id]


class TenantManager(models.Manager):
    """Filters every query to the organisation in context, and fails closed without one.

    It is every TenantModel's default manager, so Django's own paths - get_object_or_404,
    reverse related managers, model forms, DRF, the admin - go through it too.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(CurrentOrganization())
