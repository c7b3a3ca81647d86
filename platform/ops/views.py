"""Liveness, readiness and the workers' status page."""

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.generic import TemplateView

from ops.selectors import model_health, queue_health, queues_without_live_worker
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


def healthz(request) -> HttpResponse:
    """The process is alive; says nothing about its dependencies."""
    return HttpResponse("ok", content_type="text/plain")


healthz.tenant_exempt = True


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"database unreachable: {exc.__class__.__name__}"
    return None


def check_broker() -> str | None:
    """Open a connection to the configured broker and make a round trip where it can."""
    from kombu import Connection

    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis connects lazily: only a command proves it is there
    except Exception as exc:
        return f"broker unreachable: {exc.__class__.__name__}"
    return None


def check_workers() -> str | None:
    try:
        missing = queues_without_live_worker()
    except Exception as exc:
        return f"worker heartbeats unreadable: {exc.__class__.__name__}"
    if missing:
        return "no live worker for queue(s): " + ", ".join(missing)
    return None


def readyz(request) -> JsonResponse:
    """Ready to serve: database and broker reachable, a live worker on every queue."""
    started = time.monotonic()
    checks = {"database": check_database(), "broker": check_broker(), "workers": check_workers()}
    ok = not any(checks.values())
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": {name: error or "ok" for name, error in checks.items()},
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if ok else 503)


readyz.tenant_exempt = True


# name in the status page's context -> provider of the organisation's figures, called in
# its context (see register_status_context).
STATUS_CONTEXT: dict[str, Callable[[], object]] = {}


def register_status_context(name: str, provider: Callable[[], object]) -> None:
    """Show `provider()` on the tenant status page as `name` (the template says how)."""
    STATUS_CONTEXT[name] = provider


class StatusView(OrgView, TemplateView):
    """What concerns this organisation: are its background tasks served, are the models
    loaded, what did its own model calls do. The machines behind them (host names,
    process ids, model paths) are the operators' business: the Django admin shows those."""

    allowed_roles = ADMINS
    template_name = "ops/status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queues = queue_health()
        context.update(
            checks={"database": check_database() is None, "broker": check_broker() is None},
            queues=queues,
            missing_queues=[q["queue"] for q in queues if not q["alive"]],
            models=model_health(),
        )
        # The organisation's own figures from the modules above ops (slm: its model calls),
        # registered in their AppConfig.ready; ops names none of them.
        context.update({name: provider() for name, provider in STATUS_CONTEXT.items()})
        return context
