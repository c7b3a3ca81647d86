from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of each Celery worker, written by the worker itself.

    Platform infrastructure, not tenant data: one row per worker process group.
    """

    hostname = models.CharField(max_length=200, unique=True)
    queues = models.JSONField(default=list)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # What the worker reports about itself, e.g. the state of each model it loaded.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname
