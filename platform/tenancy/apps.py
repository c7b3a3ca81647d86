from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenancy import checks, context, rls  # noqa: F401  (registers signals and checks)

        post_migrate.connect(rls.apply_policies, sender=self, dispatch_uid="tenancy.apply_policies")
