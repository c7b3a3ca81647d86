from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "AI-fluency assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The modules below this one never import it: it hands them what they call.
        from assessments import facts
        from assessments.demo import seed_demo_assessments
        from assessments.services.free_text_scoring import (
            REVIEW_ITEM_TYPE,
            apply_review_decision,
            check_review_label,
        )
        from reports.registry import register_section
        from slm.review import register_decision_handler
        from tenancy.seeding import register_demo_seeder

        register_decision_handler(
            REVIEW_ITEM_TYPE, apply_review_decision, check_label=check_review_label
        )
        register_demo_seeder("assessments", seed_demo_assessments, order=10)
        register_section(key="fluency", title="AI fluency", order=10, provider=facts.section)
