"""OrgView: the one mandatory base for every page under /o/<org_slug>/.

It resolves the organisation, checks membership (outsiders get 404) and role (403), and
runs the whole handler - template rendering included - inside the tenant context.
"""

from typing import ClassVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.views import View

from tenancy.access import resolve_membership
from tenancy.context import org_context


class OrgView(View):
    allowed_roles: ClassVar[frozenset[str]]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # A page must say who may see it; there is no default that could be forgotten.
        if not getattr(cls, "allowed_roles", None) and not cls.__dict__.get("abstract"):
            raise ImproperlyConfigured(f"{cls.__name__} must set allowed_roles")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization, membership = resolve_membership(request.user, kwargs["org_slug"])
        if membership.role not in self.allowed_roles:
            raise PermissionDenied("Your role does not give access to this page.")
        request.organization = organization
        request.membership = membership
        self.organization = organization
        self.membership = membership
        request.session["last_org"] = organization.slug
        with org_context(organization):
            response = super().dispatch(request, *args, **kwargs)
            # Render now: a lazy TemplateResponse would otherwise query outside the context.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response = response.render()
        return response

    def get_context_data(self, **kwargs):
        parent = super()
        context = (
            parent.get_context_data(**kwargs) if hasattr(parent, "get_context_data") else kwargs
        )
        context.setdefault("organization", self.organization)
        context.setdefault("membership", self.membership)
        return context
