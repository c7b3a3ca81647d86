"""The operators' view of the workers: host names, process ids and model states, with
their load errors. Superusers only: these describe the platform's machines, which every
tenant shares."""

from django.contrib import admin
from django.utils.html import format_html_join

from ops.models import WorkerHeartbeat
from ops.selectors import is_alive


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "queues", "pid", "alive", "models", "last_seen", "stopped_at"]
    readonly_fields = [
        "hostname",
        "queues",
        "pid",
        "started_at",
        "last_seen",
        "stopped_at",
        "models",
        "details",
    ]
    search_fields = ["hostname"]

    @admin.display(boolean=True)
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return is_alive(obj)

    @admin.display(description="Models")
    def models(self, obj: WorkerHeartbeat) -> str:
        states = (obj.details or {}).get("models", {})
        return format_html_join("", "<div>{}: {}</div>", sorted(states.items())) or "-"

    # Workers write these rows; operators read them and may delete a stale one.
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
