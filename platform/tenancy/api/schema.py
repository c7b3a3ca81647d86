"""The error answers of the API, declared once for every operation in the OpenAPI schema.

Views only declare their success response; the classes here add what the walls and DRF
answer on their own, so the published contract is complete (schemathesis checks it against
the live API in tests/api/test_schemathesis.py):

- 401 to every caller without a valid token (with `WWW-Authenticate: Bearer`);
- 400 to every operation that reads a body or takes a page number, naming each field (or
  query parameter) that is wrong; 415 to every operation that reads a body;
- 403 (role not allowed) and 404 (no such organisation or object, or not a member: the
  same answer for both) to every endpoint under /api/v1/o/<org_slug>/.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")


# DRF's answer to bad input: each field (or `non_field_errors`) with its messages, or a
# `detail` when the body could not be parsed at all.
VALIDATION_ERROR = {
    "type": "object",
    "description": "Each field that is wrong, with its messages.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ApiAutoSchema(AutoSchema):
    """Every authenticated API view: adds 400 and 401 where they can happen."""

    def error_responses(self) -> dict[str, tuple[object, str]]:
        errors: dict[str, tuple[object, str]] = {}
        if self.method in BODY_METHODS:
            errors["400"] = (VALIDATION_ERROR, "Bad input; nothing was saved.")
            # DRF's answer to a body it has no parser for (a malformed multipart body, say).
            errors["415"] = (ErrorSerializer, "The body's media type is not accepted.")
        elif self._is_list_view() and self._get_paginator() is not None:
            errors["400"] = (VALIDATION_ERROR, "The page is not a page number.")
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = (ErrorSerializer, "No valid personal token.")
        return errors

    # `_get_response_bodies`, `_get_response_for_code`, `_is_list_view` and `_get_paginator`
    # are drf-spectacular's own (0.30, pinned); the responses are added here rather than in
    # `get_response_serializers` because @extend_schema(responses=...) replaces that one.
    # tests/api/test_schemathesis.py fails if an upgrade changes them.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (body, description) in self.error_responses().items():
            if code in responses:  # a view's own declaration wins
                continue
            response = self._get_response_for_code(body, code, direction=direction)
            response["description"] = description
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {
                        "schema": {"type": "string", "enum": ["Bearer"]},
                        "description": "The authentication scheme to use.",
                        "required": True,
                    }
                }
            responses[code] = response
        return responses


class OrgAutoSchema(ApiAutoSchema):
    """Endpoints under /api/v1/o/<org_slug>/ (tenancy.api.base.OrgViewSet)."""

    def error_responses(self) -> dict[str, tuple[object, str]]:
        return {
            **super().error_responses(),
            "403": (ErrorSerializer, "Your role in the organisation does not allow this."),
            "404": (
                ErrorSerializer,
                "No such organisation or object, or you are not a member: the same answer "
                "for an object of another organisation as for one that exists nowhere.",
            ),
        }
