"""Organisations (tenants), their departments, memberships and invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from tenancy.managers import TenantManager


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    EXECUTIVE = "executive", "Executive"
    MANAGER = "manager", "Manager"
    EMPLOYEE = "employee", "Employee"


class JobTrack(models.TextChoices):
    ENGINEERING = "engineering", "Engineering"
    PRODUCT = "product", "Product"
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"
    CUSTOMER_SUPPORT = "customer_support", "Customer support"
    HR = "hr", "HR"
    FINANCE = "finance", "Finance"
    OPERATIONS = "operations", "Operations"
    LEADERSHIP = "leadership", "Leadership"


class FluencyLevel(models.TextChoices):
    """The AI-fluency levels, lowest first; the organisation picks its minimum bar."""

    UNACCEPTABLE = "unacceptable", "Unacceptable"
    CAPABLE = "capable", "Capable"
    ADOPTIVE = "adoptive", "Adoptive"
    TRANSFORMATIVE = "transformative", "Transformative"


class Organization(models.Model):
    """A tenant. Its policy settings shape what every module shows."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="Aggregates over fewer people than this are suppressed.",
    )
    min_fluency_level = models.CharField(
        max_length=20, choices=FluencyLevel.choices, default=FluencyLevel.CAPABLE
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. EUR.")],
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    model_confidence_threshold = models.FloatField(
        default=0.6,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Model outputs less confident than this go to human review (0-1).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base of every tenant-owned table.

    `objects`, the default manager, is scoped to the organisation in context and fails
    closed. `unscoped` is Django's base manager (used for forward foreign-key access and
    cascades, where row-level security still binds it) and the explicit escape hatch: every
    use outside tenancy/ must be listed, with its reason, in tenancy.checks.UNSCOPED_ALLOWED.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    # Extra column (besides organization_id) that lets a user read their own rows in every
    # organisation, e.g. their memberships for the organisation switcher.
    rls_owner_column: str | None = None

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012 (a manager, which ruff takes for a field)

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "unscoped"


class Department(TenantModel):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    job_track = models.CharField(max_length=30, choices=JobTrack.choices, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    managed_departments = models.ManyToManyField(
        Department, through="ManagedDepartment", related_name="managers", blank=True
    )

    rls_owner_column = "user_id"

    class Meta(TenantModel.Meta):
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization_id} as {self.role}"


class ManagedDepartment(TenantModel):
    """A department a manager oversees (may differ from the one they work in)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "department"],
                name="managed_department_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} manages {self.department_id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


class Invitation(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    job_track = models.CharField(max_length=30, choices=JobTrack.choices, blank=True)
    # Only the hash is stored: a leaked database does not leak working invitation links.
    # Tokens are random (256 bits), so the hash is unique in practice; the constraint
    # includes the organisation like every unique constraint on a tenant table (Citus).
    token_hash = models.CharField(max_length=64, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "email"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "token_hash"], name="invitation_unique_token"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING
