from django.urls import path

from reports import views

app_name = "reports"
ORG = "o/<slug:org_slug>/reports/"
ONE = ORG + "<int:pk>/"

urlpatterns = [
    path(ORG, views.ReportListView.as_view(), name="list"),
    path(ORG + "start/", views.StartView.as_view(), name="start"),
    path(ONE, views.ReportDetailView.as_view(), name="detail"),
    path(ONE + "progress/", views.ProgressView.as_view(), name="progress"),
    path(ONE + "sections/<slug:key>/", views.SectionEditView.as_view(), name="section_edit"),
    path(ONE + "refresh/", views.RefreshView.as_view(), name="refresh"),
    path(ONE + "approve/", views.ApproveView.as_view(), name="approve"),
    path(ONE + "publish/", views.PublishView.as_view(), name="publish"),
    path(ONE + "report.pdf", views.PdfView.as_view(), name="pdf"),
    path(ONE + "facts.zip", views.FactsZipView.as_view(), name="facts_zip"),
]
