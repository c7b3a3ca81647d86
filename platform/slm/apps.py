from django.apps import AppConfig


class SlmConfig(AppConfig):
    name = "slm"
    verbose_name = "Small language models"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from slm import worker  # noqa: F401  (loads the models when a model worker starts)
