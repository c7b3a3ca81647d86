from django.apps import AppConfig


class ShadowAiConfig(AppConfig):
    name = "shadow_ai"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Governance (shadowgov): the modules below this one never import it; it hands them
        # what they call.
        from reports.registry import register_section
        from shadow_ai import (
            classification_tasks,  # noqa: F401  (the worker's tasks)
            facts,
        )
        from shadow_ai.demo import seed_demo_shadow_ai
        from shadow_ai.services.classification import (
            REVIEW_ITEM_TYPE,
            apply_review_decision,
            check_review_label,
        )
        from slm.review import register_decision_handler
        from tenancy.seeding import register_demo_seeder

        register_decision_handler(
            REVIEW_ITEM_TYPE, apply_review_decision, check_label=check_review_label
        )
        register_section(key="shadow_ai", title="Shadow AI", order=30, provider=facts.section)
        register_demo_seeder("shadow_ai", seed_demo_shadow_ai, order=30)
