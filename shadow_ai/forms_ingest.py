"""Forms for the ingestion pages (log sources, uploads, identity mapping): thin, the
services validate."""

from django import forms

from shadow_ai.models import LogFormat, LogSource
from shadow_ai.parsers.mapped import GENERIC

MAPPING_HELP = (
    "CSV only: one 'field = column' per line, e.g. 'ts = Time'. Fields: "
    + ", ".join(GENERIC)
    + ". Without a mapping, common column names are recognised."
)


class SourceForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. 'Head-office Squid'.")
    format = forms.ChoiceField(choices=LogFormat.choices)
    columns = forms.CharField(
        required=False,
        label="Column mapping",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MAPPING_HELP,
    )
    delimiter = forms.CharField(required=False, max_length=1, help_text="CSV only; default ','.")
    fields = forms.CharField(
        required=False,
        label="Zscaler NSS field list",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Zscaler tab-separated feeds only: the feed's field names in order, one "
        "per line or comma-separated (e.g. datetime, login, hostname, url, action).",
    )

    def clean_columns(self) -> dict:
        mapping = {}
        for number, line in enumerate(self.cleaned_data["columns"].splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(f"Line {number}: write 'field = column'.")
            field, column = (part.strip() for part in line.split("=", 1))
            mapping[field] = column
        return mapping

    def options(self) -> dict:
        data = self.cleaned_data
        options: dict = {}
        if data.get("columns"):
            options["columns"] = data["columns"]
        if data.get("delimiter"):
            options["delimiter"] = data["delimiter"]
        if data.get("fields"):
            options["fields"] = data["fields"]
        return options


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=LogSource.objects.all(), label="Log source", help_text="Its format is used."
    )
    file = forms.FileField(help_text="A log file, optionally gzipped.")


class MapForm(forms.Form):
    alias = forms.IntegerField(min_value=1)
    membership = forms.IntegerField(min_value=1, required=False)
