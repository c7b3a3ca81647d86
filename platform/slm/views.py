from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView

from core.exports import csv_response
from slm import runtime
from slm.models import ReviewItem
from slm.review import review_item_decide
from slm.selectors import model_operations, review_queue
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class ModelOperationsView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "slm/model_operations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.request.GET.get("days", "30")
        context["ops"] = model_operations(
            days=int(days) if days.isdigit() and int(days) > 0 else 30
        )
        context["model_status"] = runtime.model_status()
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
