"""Metrics, measurements (manual and CSV) and costs of one use case: admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from common.forms import add_validation_errors
from roi.forms import CostForm, ImportForm, MeasurementForm, MetricForm
from roi.models import Measurement, UseCase
from roi.services import metrics as service
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class _UseCaseFormView(OrgView, TemplateView):
    abstract = True
    form_class = None
    title = ""

    def use_case(self) -> UseCase:
        return get_object_or_404(UseCase, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "use_case" not in context:
            context["use_case"] = self.use_case()
        if "form" not in context:
            context["form"] = self.form_class()
        context["title"] = self.title
        return context

    def done(self):
        return redirect(
            "roi:use_case_detail", org_slug=self.organization.slug, pk=self.kwargs["pk"]
        )


class MetricAddView(_UseCaseFormView):
    allowed_roles = ADMINS
    template_name = "roi/form.html"
    form_class = MetricForm
    title = "Add a metric"

    def post(self, request, *args, **kwargs):
        use_case = self.use_case()
        form = MetricForm(request.POST)
        if form.is_valid():
            try:
                service.metric_create(use_case=use_case, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Metric added.")
                return self.done()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CostAddView(_UseCaseFormView):
    allowed_roles = ADMINS
    template_name = "roi/form.html"
    form_class = CostForm
    title = "Add a cost"

    def post(self, request, *args, **kwargs):
        use_case = self.use_case()
        form = CostForm(request.POST)
        if form.is_valid():
            try:
                service.cost_add(use_case=use_case, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Cost added.")
                return self.done()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MeasurementsView(_UseCaseFormView):
    """Manual entry (one period) or a CSV upload (all or nothing, errors by line)."""

    allowed_roles = ADMINS
    template_name = "roi/measurements.html"

    def get_context_data(self, **kwargs):
        use_case = kwargs.get("use_case") or self.use_case()
        kwargs.setdefault("use_case", use_case)
        kwargs.setdefault("form", MeasurementForm(use_case=use_case))
        kwargs.setdefault("csv_form", ImportForm())
        context = super().get_context_data(**kwargs)
        context["measurements"] = (
            Measurement.objects.filter(metric__use_case=use_case)
            .select_related("metric")
            .order_by("metric__tier", "metric__name", "-period")
        )
        return context

    def post(self, request, *args, **kwargs):
        use_case = self.use_case()
        if request.POST.get("action") == "csv":
            csv_form = ImportForm(request.POST, request.FILES)
            if csv_form.is_valid():
                try:
                    saved = service.measurements_import_csv(
                        use_case=use_case, actor=request.user, text=csv_form.text()
                    )
                except ValidationError as exc:
                    add_validation_errors(csv_form, exc)
                else:
                    messages.success(request, f"{len(saved)} measurements saved.")
                    return self.done()
            return self.render_to_response(
                self.get_context_data(use_case=use_case, csv_form=csv_form), status=400
            )
        form = MeasurementForm(request.POST, use_case=use_case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.measurements_record(
                    use_case=use_case,
                    actor=request.user,
                    source=Measurement.Source.MANUAL,
                    rows=[service.Row(data["metric"].pk, data["period"], data["value"])],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Measurement saved.")
                return self.done()
        return self.render_to_response(
            self.get_context_data(use_case=use_case, form=form), status=400
        )
