"""Use cases, their prioritisation scores, metrics in three tiers, measurements and costs.

Every table is a TenantModel; every unique constraint includes the organisation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tenancy.models import Department, TenantModel


class Stage(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    PILOT = "pilot", "Pilot"
    PRODUCTION = "production", "Production"
    RETIRED = "retired", "Retired"
    REJECTED = "rejected", "Rejected"


class AIType(models.TextChoices):
    GENERATIVE = "generative", "Generative"
    CLASSICAL_ML = "classical_ml", "Classical ML"
    AGENTIC = "agentic", "Agentic"
    OTHER = "other", "Other"


class Sourcing(models.TextChoices):
    VENDOR = "vendor", "Vendor"
    IN_HOUSE = "in_house", "In-house"


class RiskClass(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    PROHIBITED = "prohibited", "Prohibited"
    HIGH = "high", "High"
    LIMITED = "limited", "Limited"
    MINIMAL = "minimal", "Minimal"


class Latency(models.TextChoices):
    REALTIME = "realtime", "Real time (under 1 s)"
    INTERACTIVE = "interactive", "Interactive (a few seconds)"
    BATCH = "batch", "Batch (minutes or more)"


class Sensitivity(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class TaskType(models.TextChoices):
    CLASSIFICATION = "classification", "Classification"
    EXTRACTION = "extraction", "Extraction"
    STRUCTURED_OUTPUT = "structured_output", "Structured output"
    SUMMARISATION = "summarisation", "Summarisation"
    ROUTING = "routing", "Routing"
    CODE_COMPLETION = "code_completion", "Code completion"
    OPEN_REASONING = "open_reasoning", "Open-ended reasoning"
    CREATIVE = "creative", "Creative generation"


class Breadth(models.TextChoices):
    NARROW = "narrow", "Narrow (one domain)"
    MODERATE = "moderate", "Moderate"
    BROAD = "broad", "Broad (open domain)"


class RoiSettings(TenantModel):
    """The organisation's prices and rates for the ROI module (one row, made on first use)."""

    discount_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Yearly discount rate for NPV, e.g. 0.10 for 10%.",
    )
    slm_unit_price = models.DecimalField(max_digits=10, decimal_places=5, default=Decimal("0.002"))
    llm_unit_price = models.DecimalField(max_digits=10, decimal_places=5, default=Decimal("0.08"))
    human_unit_price = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("6.00"))
    route_slm_percent = models.PositiveSmallIntegerField(default=87)
    route_llm_percent = models.PositiveSmallIntegerField(default=11)
    route_human_percent = models.PositiveSmallIntegerField(default=2)
    cpu_hour_price = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.20"),
        help_text="What an hour of a CPU model worker costs (for the measured SLM price).",
    )
    gpu_hour_price = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=Decimal("2.50"),
        help_text="What an hour of a GPU model worker costs (for the measured SLM price).",
    )
    loaded_hourly_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("60.00"),
        help_text="Default loaded cost of one hour of staff time.",
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="roi_settings_one_per_org")
        ]


class Criterion(TenantModel):
    """A prioritisation criterion scored 1-5; weights of all criteria sum to 100."""

    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    weight = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    # Impact or feasibility axis on the matrix.
    axis = models.CharField(
        max_length=12, choices=[("impact", "Impact"), ("feasibility", "Feasibility")]
    )
    inverse = models.BooleanField(default=False, help_text="A high score is bad (risk).")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="roi_criterion_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class UseCase(TenantModel):
    title = models.CharField(max_length=200)
    problem = models.TextField()
    process = models.TextField("Process it changes", blank=True)
    expected_benefits = models.TextField(blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.CharField(max_length=200, blank=True)
    sponsor = models.CharField(max_length=200, blank=True)
    expected_users = models.PositiveIntegerField(default=0)
    ai_type = models.CharField(max_length=20, choices=AIType.choices, default=AIType.GENERATIVE)
    sourcing = models.CharField(max_length=10, choices=Sourcing.choices, default=Sourcing.IN_HOUSE)
    personal_data = models.BooleanField("Personal data involved", default=False)
    risk_class = models.CharField(
        "EU AI Act risk class",
        max_length=20,
        choices=RiskClass.choices,
        default=RiskClass.NOT_ASSESSED,
    )
    daily_requests = models.PositiveIntegerField("Daily request volume", default=0)
    latency = models.CharField(max_length=12, choices=Latency.choices, default=Latency.INTERACTIVE)
    sensitivity = models.CharField(
        "Data sensitivity",
        max_length=12,
        choices=Sensitivity.choices,
        default=Sensitivity.INTERNAL,
    )
    task_type = models.CharField(
        max_length=20, choices=TaskType.choices, default=TaskType.CLASSIFICATION
    )
    breadth = models.CharField(
        "Domain breadth", max_length=10, choices=Breadth.choices, default=Breadth.NARROW
    )
    edge = models.BooleanField("Must run offline or at the edge", default=False)
    estimated_annual_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    confidence = models.DecimalField(
        "Confidence factor",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0-1: how sure the benefit is; risk-adjusted benefit = benefit x this.",
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["organization", "stage"])]

    def __str__(self) -> str:
        return self.title


class StageChange(TenantModel):
    """One step of a use case's lifecycle: the timeline. (The audit log has it too.)"""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    override = models.BooleanField(default=False, help_text="Graduation criteria overridden.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at", "pk"]


class Score(TenantModel):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "use_case", "criterion"], name="roi_score_unique"
            )
        ]


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENT = "percent", "Percent"
    HOURS = "hours", "Hours"
    MINUTES = "minutes", "Minutes"
    SECONDS = "seconds", "Seconds"
    CURRENCY = "currency", "Money (organisation currency)"
    SCORE = "score", "Score"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Metric(TenantModel):
    class Tier(models.IntegerChoices):
        ADOPTION = 1, "Tier 1: adoption and activity"
        PROCESS = 2, "Tier 2: process and productivity"
        FINANCIAL = 3, "Tier 3: financial"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="metrics")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(max_digits=16, decimal_places=4, default=Decimal("0"))
    target = models.DecimalField(max_digits=16, decimal_places=4)
    owner = models.CharField(max_length=200, blank=True)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    # Graduation: a pilot may go to production when the latest measurement meets this.
    graduation_threshold = models.DecimalField(
        max_digits=16, decimal_places=4, null=True, blank=True
    )
    # Money conversion (tier 2, unit hours): value x hourly cost x recapture share.
    converts_to_money = models.BooleanField(default=False)
    hourly_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Loaded cost of an hour; empty: the organisation's default.",
    )
    recapture_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Part of saved time that turns into other valuable work (0-1).",
    )

    class Meta(TenantModel.Meta):
        ordering = ["tier", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "use_case", "name"], name="roi_metric_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(TenantModel):
    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        CSV = "csv", "CSV upload"
        API = "api", "API"

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="measurements")
    period = models.DateField(help_text="First day of the month (or quarter) measured.")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "metric", "period"], name="roi_measurement_unique_period"
            )
        ]


class Cost(TenantModel):
    class Category(models.TextChoices):
        INFERENCE = "inference", "Inference"
        LICENCES = "licences", "Licences"
        PEOPLE = "people", "People"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        ONE_OFF = "one_off", "One-off"
        RECURRING = "recurring", "Recurring (per month)"

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="costs")
    category = models.CharField(max_length=10, choices=Category.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    start = models.DateField(
        help_text="Month of a one-off cost, or first month of a recurring one."
    )
    end = models.DateField(null=True, blank=True, help_text="Last month of a recurring cost.")
    description = models.CharField(max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="roi_cost_not_negative")
        ]
