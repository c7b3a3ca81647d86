from django.apps import AppConfig


class SlmConfig(AppConfig):
    name = "slm"
    verbose_name = "Small language models"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from ops.heartbeat import register_details
        from ops.views import register_status_context
        from slm import worker  # noqa: F401  (loads the models when a model worker starts)
        from slm.demo import seed_model_calls
        from tenancy.seeding import register_demo_seeder

        # ops and tenancy sit below slm: they learn about it only through these registries.
        register_details(settings.MODEL_QUEUE, "models", _model_details)
        register_demo_seeder("slm.model_calls", seed_model_calls, order=90)
        register_status_context("calls", _calls_today)


def _calls_today() -> dict:
    """The organisation's own model calls of the last 24 hours, for its status page."""
    from slm.selectors import model_operations

    return model_operations(days=1)


def _model_details() -> dict:
    """What a model worker's heartbeat says about its models (shown on the status page)."""
    from slm.runtime import model_status  # imports torch: only in a worker that beats

    return {"models": model_status()}
