"""Users log in with their email address; API clients use a personal token."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open the operators' admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class ApiToken(models.Model):
    """A token for /api/v1/. Only its hash is stored; it is shown once.

    A personal token (scope "") acts with its user's permissions in every organisation.
    A scoped token (an integrator's) is refused everywhere except on endpoints that
    accept its scope (accounts.permissions.TokenScope), and only in its one organisation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    scope = models.CharField(
        max_length=60, blank=True, default="", help_text="Empty: a personal token."
    )
    # The organisation a scoped token works in. No foreign key: accounts sits below
    # tenancy, which checks it (tenancy.api.base.OrgViewSet).
    organization_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=120, blank=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(scope=""),
                name="api_token_one_personal_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="") | models.Q(organization_id__isnull=False),
                name="api_token_scoped_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
