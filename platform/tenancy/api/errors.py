"""Service errors as API answers: a clash with existing data is a 409, the rest a 400."""

from django.core.exceptions import ValidationError
from rest_framework import exceptions, serializers, status


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This clashes with existing data."
    default_code = "conflict"


def api_error(exc: ValidationError) -> exceptions.APIException:
    """The DRF exception for a service's ValidationError, with the same messages per field.
    Errors with the code `unique` (a name already taken) are a conflict with the stored
    data rather than bad input, so the request as such was valid: 409."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.error_list}
    detail = {field: [m for e in items for m in e.messages] for field, items in errors.items()}
    codes = {e.code for items in errors.values() for e in items}
    if codes == {"unique"}:
        return Conflict(detail)
    return serializers.ValidationError(detail)
