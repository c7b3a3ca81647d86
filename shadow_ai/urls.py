from django.urls import path

from shadow_ai.views import governance as gov
from shadow_ai.views import ingest

app_name = "shadow_ai"
ORG = "o/<slug:org_slug>/shadow-ai/"

# The governance pages (shadowgov). Ingestion's pages (sources, uploads) join this list.
urlpatterns = [
    path(ORG, gov.InventoryView.as_view(), name="inventory"),
    path(ORG + "tools/<int:pk>/", gov.ToolDetailView.as_view(), name="tool"),
    path(ORG + "tools/<int:pk>/status/", gov.ToolStatusView.as_view(), name="tool_status"),
    path(ORG + "tools/<int:pk>/people/", gov.ToolPeopleView.as_view(), name="tool_people"),
    path(ORG + "heatmap/", gov.HeatmapView.as_view(), name="heatmap"),
    path(ORG + "insights/", gov.InsightsView.as_view(), name="insights"),
    path(ORG + "catalogue/", gov.CatalogueView.as_view(), name="catalogue"),
    path(ORG + "review/", gov.ReviewView.as_view(), name="review"),
    path(ORG + "blocklist/", gov.BlocklistView.as_view(), name="blocklist"),
    path(ORG + "declare/", gov.DeclareView.as_view(), name="declare"),
    path(ORG + "settings/", gov.SettingsView.as_view(), name="settings"),
    # Ingestion (shadowcore)
    path(ORG + "sources/", ingest.SourcesView.as_view(), name="sources"),
    path(ORG + "uploads/", ingest.UploadListView.as_view(), name="uploads"),
    path(ORG + "uploads/new/", ingest.UploadView.as_view(), name="upload"),
    path(ORG + "uploads/<int:pk>/", ingest.UploadDetailView.as_view(), name="upload_detail"),
    path(ORG + "identities/", ingest.IdentitiesView.as_view(), name="identities"),
]
