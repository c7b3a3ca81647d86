"""Use-case pages: the registry, the intake form, the detail with its timeline, the lifecycle."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from roi import lifecycle, modelfit
from roi.forms import FULL_FIELDS, ImportForm, IntakeForm, TransitionForm, UseCaseForm
from roi.models import Measurement, Metric, Stage, UseCase
from roi.selectors import priorities, returns
from roi.selectors.model_price import slm_price
from roi.selectors.settings import criteria, roi_settings
from roi.selectors.use_cases import SORTS, graduation, use_case_list
from roi.services import use_cases as service
from tenancy.models import Department
from tenancy.roles import ADMINS, EVERYONE, LEADERS
from tenancy.views.base import OrgView

PAGE_SIZE = 25


class UseCaseListView(OrgView, TemplateView):
    allowed_roles = EVERYONE
    template_name = "roi/use_cases.html"

    def _filters(self) -> dict:
        get = self.request.GET
        return {k: get.get(k, "").strip() for k in ("stage", "department", "q", "sort")}

    def get(self, request, *args, **kwargs):
        queryset = use_case_list(**self._filters())
        if request.GET.get("format") == "csv":
            header = ["id", "stage", *FULL_FIELDS]
            rows = (
                [uc.pk, uc.stage]
                + [
                    uc.department.name
                    if f == "department" and uc.department
                    else ("" if f == "department" else getattr(uc, f))
                    for f in FULL_FIELDS
                ]
                for uc in queryset
            )
            return csv_response(f"{self.organization.slug}-use-cases.csv", header, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self._filters()
        page = Paginator(use_case_list(**filters), PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            filters=filters,
            query=query.urlencode(),
            stages=Stage.choices,
            departments=Department.objects.order_by("name"),
            sorts=SORTS,
        )
        return context


class ProposeView(OrgView, TemplateView):
    allowed_roles = EVERYONE
    template_name = "roi/propose.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", IntakeForm())
        return context

    def post(self, request, *args, **kwargs):
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                use_case = service.use_case_propose(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Thank you: {use_case.title} is proposed.")
                return redirect(
                    "roi:use_case_detail", org_slug=self.organization.slug, pk=use_case.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "roi/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["columns"] = ["title", "problem", "department", *service.CSV_OPTIONAL]
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                count = service.use_cases_import_csv(
                    organization=self.organization,
                    actor=request.user,
                    text=form.text(),
                    departments={d.name: d for d in Department.objects.all()},
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"{count} use cases imported.")
                return redirect("roi:use_cases", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def progress(metric: Metric, latest) -> float | None:
    """Share of the way from baseline to target (0-1, capped), in the metric's direction."""
    if latest is None or metric.target == metric.baseline:
        return None
    share = float((latest - metric.baseline) / (metric.target - metric.baseline))
    return max(0.0, min(1.0, share))


class UseCaseDetailView(OrgView, TemplateView):
    allowed_roles = EVERYONE
    template_name = "roi/use_case_detail.html"

    def get(self, request, *args, **kwargs):
        self.use_case = get_object_or_404(
            UseCase.objects.select_related("department"), pk=kwargs["pk"]
        )
        if request.GET.get("format") == "csv":
            data = returns.use_case_returns(self.use_case)
            rows = (
                (
                    r["month"].strftime("%Y-%m"),
                    round(r["benefit"], 2),
                    round(r["cost"], 2),
                    round(r["cumulative_benefit"], 2),
                    round(r["cumulative_cost"], 2),
                )
                for r in data.rows
            )
            return csv_response(
                f"{self.organization.slug}-use-case-{self.use_case.pk}-returns.csv",
                ["month", "benefit", "cost", "cumulative_benefit", "cumulative_cost"],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        use_case = self.use_case
        settings = roi_settings(self.organization)
        metrics = list(use_case.metrics.all())
        by_metric: dict[int, list[Measurement]] = {m.pk: [] for m in metrics}
        for m in Measurement.objects.filter(metric__in=metrics).order_by("period"):
            by_metric[m.metric_id].append(m)
        tiers = {1: [], 2: [], 3: []}
        for metric in metrics:
            history = by_metric[metric.pk]
            latest = history[-1].value if history else None
            tiers[metric.tier].append(
                {
                    "metric": metric,
                    "history": history,
                    "latest": latest,
                    "progress": progress(metric, latest),
                }
            )
        advice = modelfit.recommend(
            daily_requests=use_case.daily_requests,
            latency=use_case.latency,
            sensitivity=use_case.sensitivity,
            task_type=use_case.task_type,
            breadth=use_case.breadth,
            edge=use_case.edge,
        )
        slm = slm_price(settings)
        prices = modelfit.Prices(
            slm.per_request,
            float(settings.llm_unit_price),
            float(settings.human_unit_price),
            settings.route_slm_percent,
            settings.route_llm_percent,
            settings.route_human_percent,
        )
        costs = modelfit.monthly_costs(use_case.daily_requests, prices)
        ranked = priorities.ranking(self.organization)["ranked"]
        score = next((r for r in ranked if r["id"] == use_case.pk), None)
        data = returns.use_case_returns(use_case)
        context.update(
            use_case=use_case,
            timeline=use_case.stage_changes.select_related("actor"),
            targets=[
                (t, Stage(t).label)
                for t in lifecycle.targets_for_role(use_case.stage, self.membership.role)
            ],
            transition_form=kwargs.get("transition_form") or TransitionForm(),
            graduation=graduation(use_case),
            tiers=[
                (1, "Adoption and activity", tiers[1]),
                (2, "Process and productivity", tiers[2]),
                (3, "Financial", tiers[3]),
            ],
            advice=advice,
            option_costs=[
                (
                    modelfit.LABELS[k],
                    v,
                    v / (use_case.daily_requests * modelfit.DAYS_PER_MONTH)
                    if use_case.daily_requests
                    else None,
                )
                for k, v in costs.items()
            ],
            prices=prices,
            slm_price=slm,
            settings=settings,
            score=score,
            criteria=criteria(self.organization),
            returns=data,
            chart={
                "x": [r["month"].strftime("%Y-%m") for r in data.rows],
                "benefit": [round(r["cumulative_benefit"], 2) for r in data.rows],
                "cost": [round(r["cumulative_cost"], 2) for r in data.rows],
            },
            can_edit=self.membership.role == "admin",
        )
        return context


class EditView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "roi/edit.html"

    def dispatch_object(self):
        return get_object_or_404(UseCase, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("use_case", self.dispatch_object())
        context.setdefault("form", UseCaseForm(instance=context["use_case"]))
        return context

    def post(self, request, *args, **kwargs):
        use_case = self.dispatch_object()
        form = UseCaseForm(request.POST, instance=UseCase.objects.get(pk=use_case.pk))
        if form.is_valid():
            try:
                service.use_case_update(
                    use_case=use_case,
                    actor=request.user,
                    **{f: form.cleaned_data[f] for f in FULL_FIELDS},
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect(
                    "roi:use_case_detail", org_slug=self.organization.slug, pk=use_case.pk
                )
        return self.render_to_response(
            self.get_context_data(form=form, use_case=use_case), status=400
        )


class TransitionView(UseCaseDetailView):
    """POST only: move the use case one step; errors are shown on the detail page."""

    allowed_roles = LEADERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.use_case = get_object_or_404(UseCase, pk=kwargs["pk"])
        form = TransitionForm(request.POST)
        if form.is_valid():
            try:
                service.use_case_transition(
                    use_case=self.use_case,
                    actor=request.user,
                    role=self.membership.role,
                    to_stage=form.cleaned_data["to_stage"],
                    reason=form.cleaned_data["reason"],
                    override=form.cleaned_data["override"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Moved to {Stage(form.cleaned_data['to_stage']).label}.")
                return redirect(
                    "roi:use_case_detail", org_slug=self.organization.slug, pk=self.use_case.pk
                )
        return self.render_to_response(self.get_context_data(transition_form=form), status=400)


class ScoresView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "roi/scores.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        use_case = get_object_or_404(UseCase, pk=self.kwargs["pk"])
        current = {s.criterion.key: s.value for s in use_case.scores.select_related("criterion")}
        context.update(
            use_case=use_case,
            rows=[(c, current.get(c.key)) for c in criteria(self.organization)],
            choices=range(1, 6),
        )
        return context

    def post(self, request, *args, **kwargs):
        use_case = get_object_or_404(UseCase, pk=kwargs["pk"])
        scores, errors = {}, []
        for criterion in criteria(self.organization):
            raw = request.POST.get(f"score_{criterion.key}", "").strip()
            if not raw:
                continue
            if raw not in {"1", "2", "3", "4", "5"}:
                errors.append(f"{criterion.name}: choose a score from 1 to 5.")
            else:
                scores[criterion.key] = int(raw)
        if not scores and not errors:
            errors.append("Give at least one score from 1 to 5.")
        if not errors:
            try:
                service.scores_set(use_case=use_case, actor=request.user, scores=scores)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, "Scores saved.")
                return redirect(
                    "roi:use_case_detail", org_slug=self.organization.slug, pk=use_case.pk
                )
        return self.render_to_response(self.get_context_data(errors=errors), status=400)
