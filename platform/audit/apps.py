from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Tenancy sits below audit, so it cannot import the writer; it is handed over here.
        from audit.services import audit_record
        from tenancy.audit_log import register_audit_writer

        register_audit_writer(audit_record)
