"""Log sources, uploads (files and API pushes) and the rows they rejected."""

from django.db import models

from tenancy.models import Membership, TenantModel


class LogFormat(models.TextChoices):
    SQUID = "squid", "Squid native access.log"
    W3C = "w3c", "W3C extended / ELFF (ProxySG, Edge SWG, Netskope)"
    ZSCALER_JSON = "zscaler_json", "Zscaler NSS (JSON)"
    ZSCALER_TSV = "zscaler_tsv", "Zscaler NSS (tab-separated)"
    CLOUDFLARE = "cloudflare", "Cloudflare Gateway HTTP (JSON)"
    CSV = "csv", "CSV with a column mapping"
    JSONL = "jsonl", "JSON Lines"


class LogSource(TenantModel):
    """Where logs come from and how to read them. options: for CSV {"columns": {field:
    column name}, "delimiter": ","}; for Zscaler TSV {"fields": [names in order]}; for JSON
    formats an optional {"columns": {...}} overriding the default key names."""

    name = models.CharField(max_length=120)
    format = models.CharField(max_length=20, choices=LogFormat.choices)
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="shadow_source_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UploadKind(models.TextChoices):
    FILE = "file", "File"
    PUSH = "push", "API push"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Upload(TenantModel):
    """One file (or one API push batch) and how far its processing got. Processing commits
    chunk by chunk; `lines_done` is the checkpoint a restarted task resumes from, written in
    the same transaction as the chunk's events, so nothing is counted twice."""

    kind = models.CharField(max_length=10, choices=UploadKind.choices, default=UploadKind.FILE)
    source = models.ForeignKey(
        LogSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    filename = models.CharField(max_length=255, blank=True)
    stored_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    total = models.BigIntegerField(default=0, help_text="Lines read so far.")
    accepted = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    duplicate = models.BigIntegerField(default=0)
    ignored = models.BigIntegerField(
        default=0, help_text="Valid rows for hosts classified as not AI (not stored)."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the file.")
    lines_done = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sha256"],
                name="shadow_upload_unique_file",
                condition=models.Q(kind="file"),
            )
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.filename or f"upload {self.pk}"


class RejectedRow(TenantModel):
    """A row an upload refused, with where and why. At most
    shadow_ai.services.ingest.MAX_REJECTED_KEPT are kept per upload; all are counted."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="rejected_rows")
    line_no = models.BigIntegerField()
    reason = models.CharField(max_length=300)
    excerpt = models.CharField(max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["line_no", "id"]
        indexes = [models.Index(fields=["organization", "upload", "line_no"])]
