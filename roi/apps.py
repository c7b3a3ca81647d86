from django.apps import AppConfig


class RoiConfig(AppConfig):
    name = "roi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from roi.demo import seed_demo_roi
        from tenancy.seeding import register_demo_seeder

        register_demo_seeder("roi", seed_demo_roi, order=20)
