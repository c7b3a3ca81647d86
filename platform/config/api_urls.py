"""/api/v1/: every data endpoint lives under /api/v1/o/<org_slug>/."""

from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from assessments.api import FluencyViewSet
from audit.api import AuditEventViewSet
from roi.api import MeasurementViewSet, UseCaseViewSet
from shadow_ai.api.ingest import EventPushViewSet, SourceViewSet, UploadViewSet
from shadow_ai.api.inventory import ShadowToolViewSet
from tenancy.api.views import DepartmentViewSet, MemberViewSet, MeView

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("members", MemberViewSet, basename="member")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("fluency/campaigns", FluencyViewSet, basename="fluency-campaign")
router.register("use-cases", UseCaseViewSet, basename="use-case")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("shadow-ai/tools", ShadowToolViewSet, basename="shadow-tool")
router.register("shadow-ai/sources", SourceViewSet, basename="shadow-source")
router.register("shadow-ai/uploads", UploadViewSet, basename="shadow-upload")
router.register("shadow-ai/events", EventPushViewSet, basename="shadow-event")


def not_found(request, exception):
    """Django's 404 (no route matched): JSON under /api/, as the schema promises."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


class SchemaView(SpectacularAPIView):
    tenant_exempt = True  # describes the API; holds no tenant data


app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("me/", MeView.as_view(), name="me"),
    path("o/<slug:org_slug>/", include(router.urls)),
]
