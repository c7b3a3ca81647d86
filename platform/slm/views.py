from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from ops.selectors import model_health, queue_health
from slm.forms import LLMEndpointForm
from slm.models import LLMEndpoint, ReviewItem
from slm.review import llm_endpoint_update, review_item_decide
from slm.selectors import model_operations, review_queue
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView

MAX_DAYS = 3650


class ModelOperationsView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "slm/model_operations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.request.GET.get("days", "30")
        # At most ten years back: a huge count would overflow the date arithmetic (a 500).
        context["ops"] = model_operations(
            days=min(int(days), MAX_DAYS) if days.isdigit() and int(days) > 0 else 30
        )
        context["model_queue_alive"] = next(
            q["alive"] for q in queue_health() if q["queue"] == settings.MODEL_QUEUE
        )
        context["models"] = model_health()
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            ops = model_operations()
            rows = (
                (
                    r["task"],
                    r["model"],
                    r["device"],
                    r["calls"],
                    r["items"],
                    r["errors"],
                    r["input_tokens"],
                    r["output_tokens"],
                    r["p50"],
                    r["p95"],
                    round(r["slm_cost"], 6),
                    None if r["capacity_cost"] is None else round(r["capacity_cost"], 6),
                    round(r["llm_cost"], 6),
                )
                for r in ops["per_task"]
            )
            header = [
                "task",
                "model",
                "device",
                "calls",
                "items",
                "errors",
                "input_tokens",
                "output_tokens",
                "p50_ms",
                "p95_ms",
                "slm_cost",
                "slm_cost_at_capacity",
                "llm_cost",
            ]
            return csv_response(f"{self.organization.slug}-model-operations.csv", header, rows)
        return super().get(request, *args, **kwargs)


class ReviewQueueView(OrgView, ListView):
    allowed_roles = ADMINS
    template_name = "slm/review_queue.html"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", ReviewItem.Status.PENDING)
        return review_queue(
            status=status if status in ReviewItem.Status.values or status == "" else "pending",
            task=self.request.GET.get("task", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = ReviewItem.Status.choices
        context["filters"] = self.request.GET
        return context


class ReviewDecideView(OrgView):
    allowed_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(ReviewItem, pk=kwargs["pk"])
        try:
            review_item_decide(
                item=item,
                reviewer=request.user,
                status=request.POST.get("status", ""),
                label=request.POST.get("label", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Decision recorded.")
        return redirect("slm:review_queue", org_slug=self.organization.slug)


class LLMEndpointView(OrgView, TemplateView):
    """Optional escalation to a larger model: off unless an admin turns it on."""

    allowed_roles = ADMINS
    template_name = "slm/llm_endpoint.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = LLMEndpoint.objects.first()
        context["endpoint"] = endpoint
        if "form" not in context:
            initial = (
                {
                    "base_url": endpoint.base_url,
                    "model": endpoint.model,
                    "enabled": endpoint.enabled,
                    "timeout_seconds": endpoint.timeout_seconds,
                }
                if endpoint
                else {}
            )
            context["form"] = LLMEndpointForm(
                initial=initial, has_api_key=bool(endpoint and endpoint.has_api_key)
            )
        return context

    def post(self, request, *args, **kwargs):
        endpoint = LLMEndpoint.objects.first()
        form = LLMEndpointForm(request.POST, has_api_key=bool(endpoint and endpoint.has_api_key))
        if form.is_valid():
            data = form.cleaned_data
            try:
                llm_endpoint_update(
                    organization=self.organization,
                    actor=request.user,
                    base_url=data["base_url"],
                    model=data["model"],
                    api_key=form.api_key_change(),
                    enabled=data["enabled"],
                    timeout_seconds=data["timeout_seconds"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Escalation endpoint saved.")
                return redirect("slm:llm_endpoint", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
