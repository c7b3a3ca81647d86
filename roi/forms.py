"""Forms for the ROI pages: they only parse input; the services hold the rules."""

from django import forms

from roi.models import Cost, Metric, RoiSettings, UseCase
from roi.services.use_cases import EDITABLE
from tenancy.models import Department

INTAKE_FIELDS = ["title", "problem", "process", "expected_benefits", "department"]
# Every field of the use case that an admin may edit, as the service defines them.
FULL_FIELDS = EDITABLE


class UseCaseForm(forms.ModelForm):
    class Meta:
        model = UseCase
        fields = FULL_FIELDS
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ["problem", "process", "expected_benefits"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")


class IntakeForm(UseCaseForm):
    """The short form any member uses to propose a use case."""

    class Meta(UseCaseForm.Meta):
        fields = INTAKE_FIELDS


class TransitionForm(forms.Form):
    to_stage = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override = forms.BooleanField(
        required=False, label="Override the graduation criteria (admins; give a reason)"
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def text(self) -> str:
        raw = self.cleaned_data["file"].read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = [
            "tier",
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "owner",
            "cadence",
            "graduation_threshold",
            "converts_to_money",
            "hourly_cost",
            "recapture_share",
        ]


class MeasurementForm(forms.Form):
    metric = forms.ModelChoiceField(queryset=Metric.objects.none())
    period = forms.DateField(
        help_text="Any day of the month measured, e.g. 2026-03-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    value = forms.DecimalField(max_digits=16, decimal_places=4)

    def __init__(self, *args, use_case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if use_case is not None:
            self.fields["metric"].queryset = use_case.metrics.all()


class CostForm(forms.ModelForm):
    class Meta:
        model = Cost
        fields = ["category", "kind", "amount", "start", "end", "description"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RoiSettings
        fields = [
            "discount_rate",
            "loaded_hourly_cost",
            "slm_unit_price",
            "llm_unit_price",
            "human_unit_price",
            "route_slm_percent",
            "route_llm_percent",
            "route_human_percent",
        ]


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=80)
    axis = forms.ChoiceField(choices=[("impact", "Impact"), ("feasibility", "Feasibility")])
    inverse = forms.BooleanField(required=False, label="A high score is bad (like risk)")
