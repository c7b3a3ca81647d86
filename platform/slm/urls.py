from django.urls import path

from slm import views

app_name = "slm"
ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path(ORG + "models/", views.ModelOperationsView.as_view(), name="model_operations"),
    path(ORG + "models/llm/", views.LLMEndpointView.as_view(), name="llm_endpoint"),
    path(ORG + "review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path(ORG + "review/<int:pk>/decide/", views.ReviewDecideView.as_view(), name="review_decide"),
]
