from django.apps import AppConfig


class RoiConfig(AppConfig):
    name = "roi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reports.registry import register_section
        from roi import facts
        from roi.demo import seed_demo_roi
        from tenancy.seeding import register_demo_seeder

        register_demo_seeder("roi", seed_demo_roi, order=20)
        register_section(
            key="portfolio", title="Use-case portfolio and ROI", order=20, provider=facts.section
        )
