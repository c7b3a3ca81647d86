from django.apps import AppConfig


class ShadowAiConfig(AppConfig):
    name = "shadow_ai"
    default_auto_field = "django.db.models.BigAutoField"
