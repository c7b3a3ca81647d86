from django.urls import path

from assessments.views import admin, analytics, article4, taking

app_name = "assessments"
ORG = "o/<slug:org_slug>/assessments/"

urlpatterns = [
    path(ORG, taking.MyAssessmentsView.as_view(), name="mine"),
    path(ORG + "campaigns/<int:campaign_id>/take/", taking.TakeView.as_view(), name="take"),
    path(ORG + "campaigns/<int:campaign_id>/retake/", taking.RetakeView.as_view(), name="retake"),
    path(
        ORG + "attempts/<int:pk>/items/<int:item_id>/",
        taking.SaveAnswerView.as_view(),
        name="save_answer",
    ),
    path(ORG + "attempts/<int:pk>/", taking.ResultView.as_view(), name="result"),
    path(ORG + "campaigns/", admin.CampaignListView.as_view(), name="campaigns"),
    path(ORG + "frameworks/", admin.FrameworkListView.as_view(), name="frameworks"),
    path(ORG + "frameworks/<int:pk>/", admin.VersionEditView.as_view(), name="version_edit"),
    path(ORG + "analytics/", analytics.AnalyticsView.as_view(), name="analytics"),
    path(ORG + "article-4/", article4.Article4View.as_view(), name="article4"),
    path(
        ORG + "article-4/export.csv",
        article4.Article4ExportView.as_view(fmt="csv"),
        name="article4_export_csv",
    ),
    path(
        ORG + "article-4/export.pdf",
        article4.Article4ExportView.as_view(fmt="pdf"),
        name="article4_export_pdf",
    ),
    path(
        ORG + "attempts/<int:pk>/certificate.pdf",
        article4.CertificateView.as_view(),
        name="certificate",
    ),
]
