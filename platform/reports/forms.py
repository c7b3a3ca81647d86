from django import forms

from reports.types import Period


class PeriodField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class StartForm(forms.Form):
    period = PeriodField(label="Quarter", max_length=7, help_text="For example 2026-Q3")


class SectionForm(forms.Form):
    text = forms.CharField(
        label="Text (Markdown)", widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000
    )


class ApproveForm(forms.Form):
    accept_flags = forms.BooleanField(
        required=False, label="The flagged numbers are right: approve with them"
    )
