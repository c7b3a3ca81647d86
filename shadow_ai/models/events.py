"""Identities, raw events (partitioned), daily rollups and scrubbed prompts."""

from django.db import models

from shadow_ai.models.catalogue import Tool
from shadow_ai.models.ingest import Upload
from shadow_ai.models.labels import Sensitivity, TaskCategory
from tenancy.models import Department, Membership, Organization, TenantModel


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email"
    USERNAME = "username", "User name"
    IP = "ip", "IP address"


class IdentityAlias(TenantModel):
    """How a person appears in the logs. Unmatched aliases (membership NULL) are listed for
    the admin to map; mapping one re-attributes its past events and rollups."""

    kind = models.CharField(max_length=10, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "value"], name="shadow_alias_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Event(TenantModel):
    """One request seen at a gateway. Append-only, in a table partitioned by month on ts
    that migration 0002 creates with SQL (Django does not manage it): no foreign-key
    constraints in the database (each would cost a lookup per inserted row), the
    relations below are for the ORM only. Idempotency: unique (organization_id, ts,
    event_hash); event_hash is a 64-bit hash (hashtextextended) of the normalised fields,
    or of the sender's event id. ts leads the key so that loading a log, which runs
    forward in time, appends to the index instead of writing all over it. Write only
    through shadow_ai.services.ingest."""

    id = models.BigAutoField(primary_key=True)
    ts = models.DateTimeField()
    tool = models.ForeignKey(
        Tool, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    host = models.CharField(max_length=253)
    identity = models.ForeignKey(
        IdentityAlias,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    membership = models.ForeignKey(
        Membership,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    bytes = models.BigIntegerField(default=0)
    action = models.CharField(max_length=40, blank=True)
    url_path = models.TextField(blank=True)
    task_category = models.CharField(max_length=30, choices=TaskCategory.choices, blank=True)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, blank=True)
    event_hash = models.BigIntegerField()
    upload = models.ForeignKey(
        Upload, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta(TenantModel.Meta):
        managed = False
        db_table = "shadow_ai_event"


class DailyRollup(TenantModel):
    """Events per day, tool and identity (with the identity's member and department at the
    time), maintained by ingestion in the same transaction as the events. Dashboards read
    this, never Event. Only events whose tool is known are rolled up.

    Written for every chunk of every upload, so it carries only the indexes it is read by:
    the foreign keys have no database constraint or index of their own (each would cost a
    lookup or an index write per row); Django still cascades deletions. The organisation
    column is led by the unique key, so it needs no index of its own either."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField()
    tool = models.ForeignKey(
        Tool, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    identity = models.ForeignKey(
        IdentityAlias,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    membership = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    events = models.BigIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)
    sensitive_events = models.BigIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "tool", "identity"],
                name="shadow_rollup_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["organization", "tool", "day"])]


class QuarterRollup(TenantModel):
    """Events per calendar quarter, tool, member and department: DailyRollup summed by
    PostgreSQL statement triggers on that table (migration 0008), so every path that writes
    daily rollups - ingestion, withdrawals, re-attribution, classification, retention,
    Django's cascades - keeps it in step inside the same transaction, and no path can
    forget to. The dashboard and the quarterly report read a quarter here: one row per
    member and tool (about 50,000 rows at 10,000 members) instead of every day's.

    The ids are plain integers, not foreign keys: only the trigger writes them, and a
    cascade from Membership or Department would collide with it. 0 stands for "none"
    (an unmapped identity, a member without department), so the unique key has no NULLs
    and the trigger can join on it with plain equality; that key is the primary key, the
    table's one index. Rows whose events fall to 0 are deleted by the trigger."""

    pk = models.CompositePrimaryKey(
        "organization", "quarter", "tool_id", "department_id", "membership_id"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    quarter = models.DateField(help_text="First day of the quarter.")
    tool_id = models.BigIntegerField()
    department_id = models.BigIntegerField(default=0, help_text="0: no department.")
    membership_id = models.BigIntegerField(default=0, help_text="0: unmapped identities.")
    events = models.BigIntegerField(default=0)
    sensitive_events = models.BigIntegerField(default=0)


class PromptRecord(TenantModel):
    """A prompt seen in an event, scrubbed before it was stored. raw_text (Fernet token,
    slm.crypto) only when ShadowSettings.keep_raw_prompts was on at ingestion."""

    event_id = models.BigIntegerField(null=True, blank=True)
    event_hash = models.BigIntegerField(null=True, blank=True)
    ts = models.DateTimeField()
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identity = models.ForeignKey(
        IdentityAlias, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(help_text="Scrubbed text.")
    pii_counts = models.JSONField(default=dict, blank=True)
    task_category = models.CharField(max_length=30, choices=TaskCategory.choices, blank=True)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, blank=True)
    raw_text = models.TextField(blank=True, help_text="Encrypted; empty unless opted in.")
    classified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-ts"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "event_hash"],
                name="shadow_prompt_unique_event",
                condition=models.Q(event_hash__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["organization", "classified_at"])]
