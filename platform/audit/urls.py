from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("o/<slug:org_slug>/audit/", views.AuditLogView.as_view(), name="list"),
]
