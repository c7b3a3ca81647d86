from django.apps import AppConfig


class RoiConfig(AppConfig):
    name = "roi"
    default_auto_field = "django.db.models.BigAutoField"
