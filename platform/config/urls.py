from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Platform operators"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("tenancy.urls")),
    path("", include("audit.urls")),
    path("", include("ops.urls")),
    path("", include("slm.urls")),
    path("", include("assessments.urls")),
    path("", include("roi.urls")),
    path("", include("shadow_ai.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("django-admin/", admin.site.urls),
]

# Under /api/ the answers are JSON, also when no route matches.
handler404 = "config.api_urls.not_found"
handler500 = "config.api_urls.server_error"
