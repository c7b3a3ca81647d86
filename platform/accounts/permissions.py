"""Scoped tokens: refused everywhere except where an endpoint accepts their scope.

`TokenScope` is in REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES, so an endpoint that says
nothing refuses every scoped token (default deny); OrgViewSet checks it again, so that a
viewset that replaces permission_classes cannot drop it. An endpoint accepts a scope by
naming it: `token_scopes = ("shadow_ai.events.push",)`.
"""

from rest_framework.permissions import BasePermission


def token_scope_allows(request, view) -> bool:
    scope = getattr(request.auth, "scope", "")
    return not scope or scope in getattr(view, "token_scopes", ())


class TokenScope(BasePermission):
    message = "This token may only be used for what it was issued for."

    def has_permission(self, request, view) -> bool:
        return token_scope_allows(request, view)
