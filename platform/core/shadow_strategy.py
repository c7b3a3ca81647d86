"""From shadow to strategy: a pre-filled use case from a shadow tool or a category of them.

This lives in core because it joins two domain modules of one layer, which may not import
each other: shadow_ai gathers the evidence (shadow_ai.selectors.evidence, plain field
values) and roi's own service proposes the use case (validated, audited, on its timeline).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from roi.services.use_cases import use_case_propose
from shadow_ai.models import Category, Tool
from shadow_ai.selectors.evidence import use_case_from_category, use_case_from_tool
from shadow_ai.selectors.inventory import inventory
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class ShadowUseCaseView(OrgView, View):
    """POST tool=<id> or category=<key>: propose the use case and open it for editing."""

    allowed_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        inv = inventory(organization=self.organization)
        tool_id, category = request.POST.get("tool", ""), request.POST.get("category", "")
        if tool_id.isdigit():
            tool = get_object_or_404(Tool, pk=int(tool_id))
            values = use_case_from_tool(inventory=inv, tool=tool)
        elif category in Category.values:
            values = use_case_from_category(inventory=inv, category=category)
        else:
            return HttpResponseBadRequest(
                "Choose a tool (tool=<id>) or a category (category=<key>)."
            )
        try:
            use_case = use_case_propose(
                organization=self.organization, actor=request.user, **values
            )
        except ValidationError as exc:
            return HttpResponseBadRequest("; ".join(exc.messages))
        messages.success(
            request, f"Use case proposed from shadow use: {use_case.title}. Check and complete it."
        )
        return redirect("roi:use_case_edit", org_slug=self.organization.slug, pk=use_case.pk)
