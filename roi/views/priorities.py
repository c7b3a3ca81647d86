"""The ranked list and the impact/feasibility matrix; admins set weights and add criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from roi.forms import CriterionForm
from roi.selectors.priorities import ranking
from roi.selectors.settings import criteria
from roi.services.settings import criterion_add, weights_set
from tenancy.roles import ADMINS, LEADERS
from tenancy.views.base import OrgView


class PrioritiesView(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "roi/priorities.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            data = ranking(self.organization)
            keys = [c["name"] for c in data["criteria"]]
            rows = (
                [
                    i,
                    r["title"],
                    r["stage_label"],
                    _round(r["priority"]),
                    _round(r["impact"]),
                    _round(r["feasibility"]),
                    r["quadrant"],
                    r["value"],
                ]
                + [b["score"] for b in r["breakdown"]]
                for i, r in enumerate(data["ranked"], start=1)
            )
            return csv_response(
                f"{self.organization.slug}-priorities.csv",
                [
                    "rank",
                    "use case",
                    "stage",
                    "priority",
                    "impact",
                    "feasibility",
                    "quadrant",
                    "annual value",
                    *keys,
                ],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = ranking(self.organization)
        context.update(
            data=data,
            criteria=criteria(self.organization),
            total_weight=sum(c.weight for c in criteria(self.organization)),
            weight_errors=kwargs.get("weight_errors", []),
            criterion_form=kwargs.get("criterion_form") or CriterionForm(),
            can_edit=self.membership.role == "admin",
        )
        return context


def _round(value):
    return None if value is None else round(value, 2)


class WeightsView(PrioritiesView):
    allowed_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        weights, errors = {}, []
        for criterion in criteria(self.organization):
            raw = request.POST.get(f"weight_{criterion.key}", "").strip()
            try:
                weights[criterion.key] = int(raw)
            except ValueError:
                errors.append(f"{criterion.name}: give a whole number from 0 to 100.")
        if not errors:
            try:
                weights_set(organization=self.organization, actor=request.user, weights=weights)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, "Weights saved.")
                return redirect("roi:priorities", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(weight_errors=errors), status=400)


class CriterionAddView(PrioritiesView):
    allowed_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                criterion_add(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Criterion added with weight 0: give it a weight below.")
                return redirect("roi:priorities", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(criterion_form=form), status=400)
