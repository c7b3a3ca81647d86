"""AI-fluency assessments: versioned frameworks (loaded from data files), campaigns,
attempts and answers. Every table is tenant-owned; shipped frameworks are installed into
each organisation, which may then clone and edit its own versions."""

from django.conf import settings
from django.db import models

from tenancy.models import Department, Membership, TenantModel


class Framework(TenantModel):
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    shipped = models.BooleanField(
        default=False, help_text="Installed from a file in the repository"
    )

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="framework_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # [{"key", "label", "min_score", "description"}], lowest first
    levels = models.JSONField()
    headline = models.CharField(max_length=80, default="share_at_or_above_min")
    # {competency key: {level key: {"guidance": str, "exercises": [str]}}}
    learning_plans = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "framework", "number"], name="framework_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number}"


class Competency(TenantModel):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="competencies"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version", "key"], name="competency_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Item(TenantModel):
    class Type(models.TextChoices):
        SCENARIO = "scenario", "Graded scenario"
        MULTI_SELECT = "multi_select", "Multi-select"
        FREQUENCY = "frequency", "Behavioural frequency"
        ATTITUDE = "attitude", "Attitude"
        PROMPT_REWRITE = "prompt_rewrite", "Rewrite a weak prompt"
        ERROR_SPOTTING = "error_spotting", "Find the planted errors"

    class Mode(models.TextChoices):
        AUTOMATION = "automation", "Automation"
        AUGMENTATION = "augmentation", "Augmentation"
        AGENCY = "agency", "Agency"

    FREE_TEXT = (Type.PROMPT_REWRITE, Type.ERROR_SPOTTING)

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=40)
    type = models.CharField(max_length=20, choices=Type.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    track = models.CharField(max_length=30, blank=True, help_text="Empty: for every job track")
    prompt = models.TextField()
    # Free-text tasks: {"weak_prompt" | "passage", "rubric" | "planted_errors"}
    task = models.JSONField(default=dict, blank=True)
    # Why the best answer is best; for feedback after submission.
    rationale = models.TextField(blank=True)
    # Parallel items share a slot of the blueprint: an attempt draws one item per slot, so a
    # retake gets different items. Empty: the item is its own slot.
    slot = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta(TenantModel.Meta):
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version", "key"], name="item_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.key


class Option(TenantModel):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=20)
    text = models.TextField()
    score = models.PositiveSmallIntegerField(
        default=0, help_text="Scenario 0-3; frequency and attitude 0-4"
    )
    correct = models.BooleanField(default=False, help_text="Multi-select only")
    not_applicable = models.BooleanField(
        default=False,
        help_text="Frequency only: 'I don't have an AI tool for this'; left out of the score",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "item", "key"], name="option_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.key}"


class Campaign(TenantModel):
    class Retakes(models.TextChoices):
        NONE = "none", "No retakes"
        AFTER_DAYS = "after_days", "After a number of days"
        UNLIMITED = "unlimited", "Any time"

    name = models.CharField(max_length=200)
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="campaigns"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    departments = models.ManyToManyField(Department, through="CampaignDepartment", blank=True)
    job_tracks = models.JSONField(default=list, blank=True, help_text="Empty: every track")
    anonymous = models.BooleanField(
        default=False, help_text="Results appear in aggregates only, never with a name"
    )
    reminder_every_days = models.PositiveSmallIntegerField(default=7)
    retakes = models.CharField(max_length=20, choices=Retakes.choices, default=Retakes.NONE)
    retake_after_days = models.PositiveSmallIntegerField(
        default=30, help_text="With retakes after a number of days: days after submitting"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name


class CampaignDepartment(TenantModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "department"], name="campaign_department_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.department_id}"


class Attempt(TenantModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted, free-text scores pending"
        SCORED = "scored", "Scored"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="attempts")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attempts")
    # The version the attempt was taken on, even if the campaign's framework changes later.
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    # 1 for the first attempt at a campaign, 2 for its first retake, ...
    number = models.PositiveSmallIntegerField(default=1)
    # Drawn at start: the items asked (one per blueprint slot; empty for attempts started
    # before items were drawn: every active item) and the seed of the option order, so a
    # resumed attempt shows the same questions in the same order.
    item_ids = models.JSONField(default=list, blank=True)
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    overall_score = models.FloatField(null=True, blank=True)
    overall_level = models.CharField(max_length=40, blank=True)
    segment = models.CharField(max_length=20, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member's department when they submitted, for aggregates",
    )

    class Meta(TenantModel.Meta):
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "membership", "number"],
                name="attempt_unique_number",
            )
        ]
        indexes = [models.Index(fields=["organization", "campaign", "status"])]

    def __str__(self) -> str:
        return f"attempt {self.pk}"


class Answer(TenantModel):
    class Source(models.TextChoices):
        AUTO = "auto", "Scored by rule"
        MODEL = "model", "Scored by the model worker"
        HUMAN = "human", "Scored by a reviewer"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selected = models.JSONField(default=list, blank=True, help_text="Multi-select option keys")
    text = models.TextField(blank=True)
    # Error spotting: {sentence number: what is wrong with it} for the sentences marked.
    marks = models.JSONField(default=dict, blank=True)
    # Normalised 0..1; null while a free-text score is pending.
    score = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTO)
    confidence = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "attempt", "item"], name="answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"answer {self.attempt_id}:{self.item_id}"


class CompetencyScore(TenantModel):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="competency_scores")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    level = models.CharField(max_length=40)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "attempt", "competency"], name="competency_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.score:.0f}"


class ItemStatisticsCache(TenantModel):
    """Item statistics of a campaign, computed in the background.

    Psychometrics over every answer of a campaign take seconds at 10,000 people; the
    analytics page reads this row instead and shows when it was computed.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    respondents = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign"], name="item_statistics_cache_unique"
            )
        ]

    def __str__(self) -> str:
        return f"item statistics of {self.campaign_id}"
