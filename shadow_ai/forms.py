"""Forms for the governance pages: thin, the services validate."""

from django import forms

from shadow_ai.models import Frequency, ShadowSettings, TaskCategory, ToolStatus
from shadow_ai.services.governance import SETTABLE_STATUSES


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, ToolStatus(s).label) for s in SETTABLE_STATUSES], label="Sanction status"
    )
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when approving with conditions (e.g. 'no customer data').",
    )


class DeclarationForm(forms.Form):
    tool_name = forms.CharField(
        max_length=200, label="Tool", help_text="e.g. ChatGPT, DeepL, Otter.ai"
    )
    tasks = forms.MultipleChoiceField(
        choices=TaskCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What you use it for",
    )
    frequency = forms.ChoiceField(choices=Frequency.choices, label="How often")
    pays_personally = forms.BooleanField(required=False, label="I pay for it myself")
    monthly_personal_cost = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=10000,
        decimal_places=2,
        label="How much a month",
        help_text="In your organisation's currency; leave empty if you do not pay.",
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ShadowSettings
        fields = ["leadership_estimate_pct", "individual_views_allowed", "keep_raw_prompts"]
        labels = {
            "leadership_estimate_pct": "Leadership's estimate of employees using AI (%)",
            "individual_views_allowed": "Let admins see individual people's usage",
            "keep_raw_prompts": "Keep raw prompts (encrypted) as well as the scrubbed text",
        }


class TokenForm(forms.Form):
    name = forms.CharField(max_length=120, label="Integration name")
