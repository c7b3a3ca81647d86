from django import forms


class LLMEndpointForm(forms.Form):
    base_url = forms.URLField(
        assume_scheme="https",
        label="Endpoint base URL",
        help_text="An OpenAI-compatible API, e.g. https://llm.example.com/v1",
    )
    model = forms.CharField(max_length=120)
    api_key = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        label="API key",
        help_text="Leave empty to keep the stored key.",
    )
    enabled = forms.BooleanField(
        required=False,
        label="Escalate low-confidence outputs to this endpoint",
        help_text="When on, texts the small model is unsure about are sent to this endpoint.",
    )
    timeout_seconds = forms.IntegerField(min_value=1, max_value=300, initial=30)
