from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "AI-fluency assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assessments.services.free_text_scoring import REVIEW_ITEM_TYPE, apply_review_decision
        from slm.review import register_decision_handler

        register_decision_handler(REVIEW_ITEM_TYPE, apply_review_decision)
