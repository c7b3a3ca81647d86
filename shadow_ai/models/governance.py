"""Per-organisation settings and employees' self-declarations."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from shadow_ai.models.catalogue import Tool
from tenancy.models import Membership, TenantModel


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    RARELY = "rarely", "Rarely"


class Declaration(TenantModel):
    """An employee's own account of an AI tool they use."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tool_name = models.CharField(max_length=200)
    tasks = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    pays_personally = models.BooleanField(default=False)
    monthly_personal_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organization", "membership"])]


class ShadowSettings(TenantModel):
    """The organisation's shadow-AI settings (one row, made on first use)."""

    leadership_estimate_pct = models.PositiveSmallIntegerField(
        default=30,
        validators=[MaxValueValidator(100)],
        help_text="Leadership's estimate of the share of employees using AI (percent).",
    )
    keep_raw_prompts = models.BooleanField(
        default=False, help_text="Keep prompts unscrubbed (encrypted) as well as scrubbed."
    )
    individual_views_allowed = models.BooleanField(
        default=False, help_text="Let admins see individual people's usage (each view audited)."
    )
    retention_days = models.PositiveIntegerField(
        default=395,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text="Raw events older than this are deleted.",
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="shadow_settings_one_per_org")
        ]
