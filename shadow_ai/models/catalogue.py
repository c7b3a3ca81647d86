"""The shipped catalogue (global), each organisation's view of a tool, and per-host
classification of hosts the catalogue does not know."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.models import TenantModel


class Category(models.TextChoices):
    CHAT = "chat", "Chat assistant"
    CODING = "coding", "Coding assistant"
    WRITING = "writing", "Writing"
    MEETINGS = "meetings", "Meetings and transcription"
    SEARCH = "search", "Search"
    MEDIA = "media", "Image, video and voice"
    MODEL_API = "model_api", "Model API"
    AGENTS = "agents", "Agent platform"
    SAAS_FEATURE = "saas_feature", "AI feature inside a SaaS product"


class CatalogueTool(models.Model):
    """One entry of shadow_ai/catalogue/tools.json, imported by `shadow_catalogue_import`.
    Not a tenant table: the same for every organisation, written only by the import."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    domains = ArrayField(models.CharField(max_length=253), default=list)
    trains_on_user_data = models.BooleanField(null=True)
    retention = models.CharField(max_length=300, blank=True)
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    enterprise_plan = models.BooleanField(default=False)
    sso = models.BooleanField(default=False)
    soc2 = models.BooleanField(default=False)
    iso27001 = models.BooleanField(default=False)
    data_residency = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    price_per_seat_month = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    notes = models.TextField(blank=True)
    sources = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ToolStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    UNDER_REVIEW = "under_review", "Under review"
    PROHIBITED = "prohibited", "Prohibited"


class ToolSource(models.TextChoices):
    CATALOGUE = "catalogue", "Catalogue"
    DISCOVERED = "discovered", "Discovered"
    DECLARED = "declared", "Declared"


class Tool(TenantModel):
    """The organisation's view of a tool: its sanction status. Catalogue tools get a row the
    first time ingestion sees them (or when an admin sets a status); discovered tools come
    from host classification, declared ones from self-declarations."""

    catalogue_tool = models.ForeignKey(
        CatalogueTool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    domains = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    status = models.CharField(
        max_length=30, choices=ToolStatus.choices, default=ToolStatus.UNREVIEWED
    )
    conditions = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=ToolSource.choices)
    discovered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="shadow_tool_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "catalogue_tool"],
                name="shadow_tool_unique_catalogue",
                condition=models.Q(catalogue_tool__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name


class DecidedBy(models.TextChoices):
    MODEL = "model", "Model"
    REVIEW = "review", "Review"
    ADMIN = "admin", "Admin"


class HostClassification(TenantModel):
    """A host seen in the organisation's traffic that the catalogue did not match. is_ai is
    NULL until classified (shadow_ai.classify_hosts); one row per host, so a host is
    classified once across uploads."""

    host = models.CharField(max_length=253)
    is_ai = models.BooleanField(null=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosts"
    )
    events = models.BigIntegerField(default=0, help_text="Events seen for this host.")
    first_seen = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["host"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "host"], name="shadow_host_unique")
        ]
        indexes = [models.Index(fields=["organization", "is_ai"])]

    def __str__(self) -> str:
        return self.host
