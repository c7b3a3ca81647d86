"""Shadow-AI governance pages: inventory, tool detail, heatmap, insights, catalogue,
review, block list, self-declaration, settings. Views are thin: selectors read, services
write; every figure about people comes out of a privacy release."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from audit.services import audit_record
from common.exports import csv_response
from common.forms import add_validation_errors
from shadow_ai import risk as riskmod
from shadow_ai.forms import DeclarationForm, SettingsForm, StatusForm, TokenForm
from shadow_ai.models import CatalogueTool, Category, Declaration, Tool, ToolStatus
from shadow_ai.selectors import insights as insight_selectors
from shadow_ai.selectors.inventory import (
    blocklist_domains,
    heatmap,
    inventory,
    shadow_settings,
    squid_acl,
    tool_detail,
    unreviewed_tools,
)
from shadow_ai.services import governance as service
from shadow_ai.services.classification import REVIEW_ITEM_TYPE
from slm.models import ReviewItem
from tenancy.roles import ADMINS, EVERYONE, LEADERS
from tenancy.views.base import OrgView


def upload_url(organization) -> str | None:
    """Where to upload a log (the ingestion pages), when they are installed."""
    for name in ("shadow_ai:upload", "shadow_ai:uploads", "shadow_ai:sources"):
        try:
            return reverse(name, kwargs={"org_slug": organization.slug})
        except NoReverseMatch:
            continue
    return None


class InventoryView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "shadow_ai/inventory.html"

    def get(self, request, *args, **kwargs):
        self.inventory = inventory(organization=self.organization)
        if request.GET.get("format") == "csv":
            rows = (
                [
                    r.tool.name,
                    r.tool.get_category_display(),
                    r.tool.get_status_display(),
                    r.users,
                    r.events,
                    r.sensitive_events,
                    r.risk.score,
                    r.risk.band,
                    r.release.total.why,
                ]
                for r in self.inventory.rows
            )
            header = ["tool", "category", "status", "users", "events", "sensitive_events"]
            header += ["risk", "band", "withheld"]
            return csv_response(f"{self.organization.slug}-shadow-ai.csv", header, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            inventory=self.inventory,
            unreviewed=unreviewed_tools().count(),
            upload_url=upload_url(self.organization),
            formula=riskmod.__doc__,
            categories=Category.choices,
        )
        return context


def _tool_context(view, tool: Tool, status_form=None) -> dict:
    detail = tool_detail(organization=view.organization, tool=tool)
    return {
        "tool": tool,
        "detail": detail,
        "status_form": status_form
        or StatusForm(initial={"status": tool.status, "conditions": tool.conditions}),
        "individual": view.membership.role == "admin"
        and shadow_settings().individual_views_allowed,
        "weights": riskmod.ATTRIBUTE_WEIGHTS,
        "status_factor": riskmod.STATUS_FACTOR,
        "categories": Category.choices,
    }


class ToolDetailView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "shadow_ai/tool_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tool = get_object_or_404(Tool.objects.select_related("catalogue_tool"), pk=kwargs["pk"])
        context.update(_tool_context(self, tool))
        return context


class ToolStatusView(OrgView, TemplateView):
    """An admin sets a tool's sanction status (audited)."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/tool_detail.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        tool = get_object_or_404(Tool.objects.select_related("catalogue_tool"), pk=kwargs["pk"])
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                service.tool_status_set(
                    tool=tool,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    conditions=form.cleaned_data["conditions"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, f"{tool.name}: {ToolStatus(form.cleaned_data['status']).label}."
                )
                if request.POST.get("next", "") == "review":
                    return redirect("shadow_ai:review", org_slug=self.organization.slug)
                return redirect("shadow_ai:tool", org_slug=self.organization.slug, pk=tool.pk)
        context = self.get_context_data(**_tool_context(self, tool, form))
        return self.render_to_response(context, status=400)


class ToolPeopleView(OrgView, TemplateView):
    """Who uses a tool: individual-level, for admins only and only when the organisation's
    policy allows it. Each view is audited."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/tool_people.html"

    def get_context_data(self, **kwargs):
        from django.db.models import Sum

        from shadow_ai.models import DailyRollup
        from shadow_ai.selectors.inventory import default_period

        context = super().get_context_data(**kwargs)
        tool = get_object_or_404(Tool, pk=kwargs["pk"])
        if not shadow_settings().individual_views_allowed:
            context.update(tool=tool, allowed=False)
            return context
        period = default_period()
        people = (
            DailyRollup.objects.filter(
                tool=tool, day__gte=period.start, day__lte=period.end, membership__isnull=False
            )
            .values("membership__user__email", "membership__user__full_name", "department__name")
            .annotate(events=Sum("events"), sensitive=Sum("sensitive_events"))
            .order_by("-events")
        )
        audit_record(
            organization=self.organization,
            actor=self.request.user,
            action="shadow_ai.individual_view",
            target=tool,
            after={"tool": tool.name, "period": f"{period.start}..{period.end}"},
        )
        context.update(tool=tool, allowed=True, people=list(people), period=period)
        return context


class HeatmapView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "shadow_ai/heatmap.html"

    def get(self, request, *args, **kwargs):
        self.heatmap = heatmap(inventory(organization=self.organization))
        if request.GET.get("format") == "csv":
            rows = (
                [tool, *cells]
                for tool, cells in zip(self.heatmap.tools, self.heatmap.cells, strict=True)
            )
            return csv_response(
                f"{self.organization.slug}-shadow-ai-heatmap.csv",
                ["tool", *self.heatmap.departments],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        h = self.heatmap
        peak = max((c for row in h.cells for c in row if c is not None), default=1)
        context.update(
            heatmap=h,
            rows=list(
                zip(
                    h.tools,
                    [list(zip(c, w, strict=True)) for c, w in zip(h.cells, h.why, strict=True)],
                    strict=True,
                )
            ),
            chart={"x": h.departments, "y": h.tools, "z": h.cells, "zmax": peak},
            upload_url=upload_url(self.organization),
        )
        return context


class InsightsView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "shadow_ai/insights.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inv = inventory(organization=self.organization)
        context.update(
            gap=insight_selectors.perception_gap(
                organization=self.organization, period=inv.period, detected=inv.detected
            ),
            by_tool=insight_selectors.declared_vs_detected_by_tool(
                organization=self.organization, inventory=inv
            ),
            spend=insight_selectors.personal_spend(organization=self.organization),
            inventory=inv,
        )
        return context


class CatalogueView(OrgView, TemplateView):
    """The shipped catalogue with the organisation's status for each tool; an admin sets a
    status here for a tool not seen yet (e.g. prohibit it before anyone uses it)."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/catalogue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        entries = CatalogueTool.objects.all()
        if q:
            entries = entries.filter(name__icontains=q)
        statuses = dict(
            Tool.objects.filter(catalogue_tool__isnull=False).values_list(
                "catalogue_tool_id", "status"
            )
        )
        context.update(
            entries=[(e, statuses.get(e.pk, "")) for e in entries],
            q=q,
            form=kwargs.get("form") or StatusForm(),
            status_labels=dict(ToolStatus.choices),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        entry = (
            CatalogueTool.objects.filter(pk=request.POST.get("catalogue_tool") or 0).first()
            if str(request.POST.get("catalogue_tool", "")).isdigit()
            else None
        )
        if entry is None:
            form.is_valid()
            form.add_error(None, "Choose a tool of the catalogue.")
        elif form.is_valid():
            try:
                tool = service.tool_for_catalogue(
                    organization=self.organization, catalogue_tool=entry
                )
                service.tool_status_set(
                    tool=tool,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    conditions=form.cleaned_data["conditions"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"{tool.name}: {ToolStatus(tool.status).label}.")
                return redirect("shadow_ai:catalogue", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReviewView(OrgView, TemplateView):
    """New tools to review: discovered or first seen tools still unreviewed, and hosts the
    model was unsure about (decided in the review queue)."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tools=unreviewed_tools().select_related("catalogue_tool"),
            hosts=ReviewItem.objects.filter(
                item_type=REVIEW_ITEM_TYPE, status=ReviewItem.Status.PENDING
            ).order_by("-created_at")[:100],
            form=StatusForm(),
        )
        return context


class BlocklistView(OrgView, TemplateView):
    """The prohibited tools' domains: ?format=txt (one a line) or squid (an ACL)."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/blocklist.html"

    def get(self, request, *args, **kwargs):
        domains = blocklist_domains()
        kind = request.GET.get("format", "")
        if kind == "txt":
            response = HttpResponse("".join(f"{d}\n" for d in domains), content_type="text/plain")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.organization.slug}-blocklist.txt"'
            )
            return response
        if kind == "squid":
            response = HttpResponse(squid_acl(domains), content_type="text/plain")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.organization.slug}-blocklist.squid.conf"'
            )
            return response
        if kind:
            raise Http404("Unknown format: use txt or squid.")
        self.domains = domains
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            domains=self.domains,
            prohibited=Tool.objects.filter(status=ToolStatus.PROHIBITED),
            squid=squid_acl(self.domains),
        )
        return context


class DeclareView(OrgView, TemplateView):
    """Employees declare the AI tools they use. Never counted against anyone."""

    allowed_roles = EVERYONE
    template_name = "shadow_ai/declare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=kwargs.get("form") or DeclarationForm(),
            mine=Declaration.objects.filter(membership=self.membership).order_by("tool_name"),
            tools=Tool.objects.exclude(status=ToolStatus.PROHIBITED)
            .order_by("name")
            .values_list("name", flat=True)[:300],
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("delete", "").isdigit():
            declaration = get_object_or_404(
                Declaration, pk=int(request.POST["delete"]), membership=self.membership
            )
            service.declaration_delete(declaration=declaration, membership=self.membership)
            messages.success(request, "Declaration removed.")
            return redirect("shadow_ai:declare", org_slug=self.organization.slug)
        form = DeclarationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.declaration_save(
                    membership=self.membership,
                    tool_name=data["tool_name"],
                    tasks=list(data["tasks"]),
                    frequency=data["frequency"],
                    pays_personally=data["pays_personally"],
                    monthly_personal_cost=data["monthly_personal_cost"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Thank you: your declaration is saved.")
                return redirect("shadow_ai:declare", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SettingsView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "shadow_ai/settings.html"

    def get_context_data(self, **kwargs):
        from accounts.models import ApiToken

        context = super().get_context_data(**kwargs)
        context.update(
            form=kwargs.get("form") or SettingsForm(instance=shadow_settings()),
            token_form=kwargs.get("token_form") or TokenForm(),
            tokens=ApiToken.objects.filter(
                scope=service.PUSH_SCOPE, organization_id=self.organization.pk
            ).select_related("user"),
            new_key=self.request.session.pop("new_integrator_key", None),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "settings")
        if action == "token":
            form = TokenForm(request.POST)
            if form.is_valid():
                try:
                    key = service.integrator_token_create(
                        organization=self.organization,
                        actor=request.user,
                        membership=self.membership,
                        name=form.cleaned_data["name"],
                    )
                except ValidationError as exc:
                    add_validation_errors(form, exc)
                else:
                    request.session["new_integrator_key"] = key
                    return redirect("shadow_ai:settings", org_slug=self.organization.slug)
            return self.render_to_response(self.get_context_data(token_form=form), status=400)
        if action == "revoke" and request.POST.get("token", "").isdigit():
            try:
                service.integrator_token_revoke(
                    organization=self.organization,
                    actor=request.user,
                    token_id=int(request.POST["token"]),
                )
            except ValidationError:
                raise Http404("No such token.") from None
            messages.success(request, "Token revoked.")
            return redirect("shadow_ai:settings", org_slug=self.organization.slug)
        form = SettingsForm(request.POST, instance=shadow_settings())
        if form.is_valid():
            try:
                service.shadow_settings_update(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Settings saved.")
                return redirect("shadow_ai:settings", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
