from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Executive dashboard and quarterly reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reports import model_ops
        from reports.demo import seed_demo_reports
        from reports.registry import register_section
        from tenancy.seeding import register_demo_seeder

        # The model-operations section is reports' own (slm sits below reports).
        register_section(
            key="model_ops", title="Model operations", order=40, provider=model_ops.section
        )
        # After the modules' seeders (order 10-30), before slm's model calls (90).
        register_demo_seeder("reports", seed_demo_reports, order=80)
