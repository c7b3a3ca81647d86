from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("o/<slug:org_slug>/status/", views.StatusView.as_view(), name="status"),
]
