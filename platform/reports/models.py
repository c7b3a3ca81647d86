"""Quarterly reports: the facts they were drafted from, their sections and every version.

Every table is a TenantModel; every unique constraint includes the organisation.
"""

from django.conf import settings
from django.db import models

from reports import codec
from tenancy.models import TenantModel


class Report(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    period = models.CharField(max_length=7)  # "2026-Q3"
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    facts = models.JSONField(default=dict)  # reports.facts.facts_document
    facts_digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"], name="reports_report_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.period}"


class ReportSection(TenantModel):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Not written yet"
        ACCEPTED = "accepted", "Model text accepted"
        RETRIED = "retried", "Model text accepted on the second try"
        FALLBACK = "fallback", "Written from the facts (model text refused)"

    class Progress(models.TextChoices):
        QUEUED = "queued", "Waiting for the model worker"
        WRITING = "writing", "Being written"
        DONE = "done", "Written"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)  # Markdown, as shown (edited or drafted)
    fallback_text = models.TextField(blank=True)  # written from the facts
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    progress = models.CharField(max_length=10, choices=Progress.choices, default=Progress.QUEUED)
    rejected = models.JSONField(default=list, blank=True)  # why model drafts were refused
    edited = models.BooleanField(default=False)
    flagged_numbers = models.JSONField(default=list, blank=True)  # not in the facts
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "report", "key"], name="reports_section_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.key}"


class ReportVersion(TenantModel):
    """A snapshot after every change: drafted, edited, refreshed, approved, published."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    event = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    sections = models.JSONField(default=dict)  # key -> text
    facts_digest = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "report", "number"], name="reports_version_unique_number"
            )
        ]


class DashboardSnapshot(TenantModel):
    """The executive dashboard's sections for one quarter and one department (0: the whole
    organisation), as last computed, so that every view within REPORTS_DASHBOARD_MAX_AGE
    reads one row instead of recomputing every module's figures (about three quarters of a
    second at 10,000 members and 10 million usage events), and past it, for a while, is
    served while a worker computes it again (reports.snapshots); the ones watched lately are
    recomputed by a periodic sweep before they expire. The page says when they were
    computed and offers a refresh. A TenantModel, so another organisation's snapshot
    is behind the same walls as its figures."""

    period = models.CharField(max_length=7)  # "2026-Q3"
    department_key = models.PositiveIntegerField(default=0)  # 0: whole organisation
    sections = models.JSONField(encoder=codec.Encoder, decoder=codec.Decoder)
    computed_at = models.DateTimeField()
    compute_ms = models.PositiveIntegerField(default=0)
    # The anonymity threshold the figures were released under: a snapshot made under a
    # lower one may show groups the organisation now withholds, so it is not served.
    threshold = models.PositiveSmallIntegerField()
    # When a view past the maximum age asked a worker to compute the figures again: one
    # request per snapshot, not one per view (reports.snapshots).
    refresh_queued_at = models.DateTimeField(null=True, blank=True)
    # When someone last looked at it (at most one write per VIEW_MARK_EVERY): the
    # snapshots watched lately are kept computed by the warm sweep, unwatched ones purged.
    viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period", "department_key"],
                name="reports_dashboardsnapshot_one_per_view",
            )
        ]

    def __str__(self) -> str:
        return f"Dashboard {self.period} ({self.department_key or 'all'})"
