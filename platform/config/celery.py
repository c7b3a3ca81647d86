"""The Celery app. Queues: `default` for ordinary work, `models` for the model worker
(run with concurrency 1 per GPU). Tasks take ids and an explicit org_id."""

import os

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue("default"), Queue("models")]
app.conf.beat_schedule = {
    "assessment-reminders": {
        "task": "assessments.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Issue 8: free-text scoring lost at submission (broker down, worker lost) is re-sent.
    "assessments-requeue-lost-scoring": {
        "task": "assessments.requeue_lost_scoring",
        "schedule": crontab(minute="*/10"),
    },
    "purge-expired-invitations": {
        "task": "tenancy.purge_expired_invitations",
        "schedule": crontab(hour=3, minute=15),
    },
    # Issue 10: uploads whose worker died resume at their checkpoint; next month's event
    # partition exists before it is needed; raw events past retention go.
    "shadow-ai-resume-stalled-uploads": {
        "task": "shadow_ai.resume_stalled_uploads",
        "schedule": crontab(minute="*/2"),
    },
    "shadow-ai-ensure-partitions": {
        "task": "shadow_ai.ensure_partitions",
        "schedule": crontab(hour=2, minute=5),
    },
    "shadow-ai-retention": {
        "task": "shadow_ai.apply_retention",
        "schedule": crontab(hour=2, minute=35),
    },
    # Issue 11: dashboard snapshots watched lately are recomputed before they expire, so no
    # view waits for the computation after a quiet hour or at the start of a quarter.
    "reports-warm-dashboards": {
        "task": "reports.warm_dashboards",
        "schedule": crontab(minute="*/10"),
    },
    # Prompts get their task category and sensitivity on the model queue; hosts whose
    # classification request was lost are sent again.
    "shadow-ai-requeue-classification": {
        "task": "shadow_ai.requeue_classification",
        "schedule": crontab(minute="*/5"),
    },
}
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_unsafe_database_role(**kwargs) -> None:
    """Workers and the scheduler refuse to start, like web, when the runtime database role
    is not bound by row-level security (tenancy.checks.verify_runtime_role)."""
    import django

    django.setup()
    from tenancy.checks import verify_runtime_role

    verify_runtime_role()
