"""What the model worker did (every call), what it was unsure of (the review queue), and
where it may escalate (an optional OpenAI-compatible endpoint per organisation)."""

from django.conf import settings
from django.db import models

from tenancy.models import TenantModel


class ModelInvocation(TenantModel):
    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        REVIEW = "review", "Sent to review"
        ESCALATED = "escalated", "Escalated to LLM"
        ERROR = "error", "Error"
        # Grounded drafting
        REJECTED = "rejected", "Draft rejected by the fact check"
        ACCEPTED = "accepted", "Draft accepted"
        RETRIED = "retried", "Draft accepted on retry"
        FELL_BACK = "fell_back", "Fell back to template"

    task = models.CharField(max_length=40)  # embed, classify, cluster, generate, draft, ...
    model = models.CharField(max_length=200)
    device = models.CharField(max_length=20)
    batch_size = models.PositiveIntegerField(default=1)
    items = models.PositiveIntegerField(default=1)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.FloatField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OK)
    confidence = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.task} {self.model} {self.outcome}"


class ReviewItem(TenantModel):
    """A model output below the organisation's confidence threshold, for a person to decide.

    Decisions are kept: they are labelled examples for improving the classifiers later.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted as is"
        CORRECTED = "corrected", "Corrected"
        REJECTED = "rejected", "Rejected"

    task = models.CharField(max_length=40)
    item_type = models.CharField(max_length=80, blank=True, help_text="What was judged")
    item_id = models.CharField(max_length=64, blank=True)
    input_text = models.TextField()
    model_output = models.JSONField()
    confidence = models.FloatField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decision = models.JSONField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.task} review ({self.status})"


class LLMEndpoint(TenantModel):
    """An OpenAI-compatible chat-completions endpoint used when the small model is unsure.

    Off unless an admin configures it; prompts then leave the organisation's hardware.
    """

    base_url = models.URLField(help_text="e.g. https://llm.example.com/v1")
    model = models.CharField(max_length=120)
    # A Fernet token (slm.crypto), never the key itself: whatever shows this model's fields
    # (a template, the admin, an audit diff) shows ciphertext. Read it with crypto.decrypt.
    api_key_encrypted = models.TextField(blank=True)
    enabled = models.BooleanField(default=False)
    timeout_seconds = models.PositiveSmallIntegerField(default=30)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_llm_endpoint_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.model} at {self.base_url}"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)

    def set_api_key(self, plain: str) -> None:
        """Store `plain` encrypted ('' removes the key)."""
        from slm import crypto

        self.api_key_encrypted = crypto.encrypt(plain)
