from django import forms


class LLMEndpointForm(forms.Form):
    base_url = forms.URLField(
        assume_scheme="https",
        label="Endpoint base URL",
        help_text="An OpenAI-compatible API on the public internet, e.g. "
        "https://llm.example.com/v1. Internal addresses are refused unless the platform's "
        "operators allow them.",
    )
    model = forms.CharField(max_length=120)
    api_key = forms.CharField(
        required=False,
        strip=True,
        # The stored key is never sent back to the browser, not even masked.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        label="API key",
        help_text="Stored encrypted and never shown again.",
    )
    clear_api_key = forms.BooleanField(required=False, label="Remove the stored API key")
    enabled = forms.BooleanField(
        required=False,
        label="Escalate low-confidence outputs to this endpoint",
        help_text="When on, texts the small model is unsure about are sent to this endpoint.",
    )
    timeout_seconds = forms.IntegerField(min_value=1, max_value=300, initial=30)

    def __init__(self, *args, has_api_key: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if has_api_key:
            self.fields["api_key"].label = "Replace the API key"
            self.fields["api_key"].help_text = (
                "A key is stored (encrypted; it is never shown). Leave empty to keep it, "
                "or type a new one to replace it."
            )
        else:
            del self.fields["clear_api_key"]

    def clean(self):
        data = super().clean()
        if data.get("clear_api_key") and data.get("api_key"):
            raise forms.ValidationError("Either type a new API key or remove the stored one.")
        return data

    def api_key_change(self) -> str | None:
        """For the service: None keeps the stored key, '' removes it, else the new key."""
        if self.cleaned_data.get("clear_api_key"):
            return ""
        return self.cleaned_data.get("api_key") or None
