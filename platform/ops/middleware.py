import logging
import time
import uuid

logger = logging.getLogger("platform.request")


class RequestLogMiddleware:
    """One structured log line per request, with an id that is also returned to the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        if request.path not in ("/healthz", "/readyz"):
            user = getattr(request, "user", None)
            organization = getattr(request, "organization", None)
            logger.info(
                "request",
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "org": organization.slug if organization is not None else None,
                },
            )
        return response
