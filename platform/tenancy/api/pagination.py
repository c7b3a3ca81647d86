"""Page-number pagination that says so when the page is not a page number."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """DRF's page numbers, but `?page=` must be a whole number from 1: DRF would read an
    empty value as page 1 and `last` as the last page, neither of which the schema says."""

    def get_page_number(self, request, paginator) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [f"A page is a whole number from 1; got {raw[:20]!r}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters
