from django.urls import path

from roi.views import metrics, portfolio, priorities, use_cases

app_name = "roi"
ORG = "o/<slug:org_slug>/use-cases/"
ONE = ORG + "<int:pk>/"

urlpatterns = [
    path(ORG, use_cases.UseCaseListView.as_view(), name="use_cases"),
    path(ORG + "propose/", use_cases.ProposeView.as_view(), name="use_case_propose"),
    path(ORG + "import/", use_cases.ImportView.as_view(), name="use_case_import"),
    path(ORG + "priorities/", priorities.PrioritiesView.as_view(), name="priorities"),
    path(ORG + "priorities/weights/", priorities.WeightsView.as_view(), name="weights"),
    path(ORG + "priorities/criteria/", priorities.CriterionAddView.as_view(), name="criterion_add"),
    path(ORG + "portfolio/", portfolio.PortfolioView.as_view(), name="portfolio"),
    path(ORG + "settings/", portfolio.SettingsView.as_view(), name="settings"),
    path(ONE, use_cases.UseCaseDetailView.as_view(), name="use_case_detail"),
    path(ONE + "edit/", use_cases.EditView.as_view(), name="use_case_edit"),
    path(ONE + "stage/", use_cases.TransitionView.as_view(), name="use_case_transition"),
    path(ONE + "scores/", use_cases.ScoresView.as_view(), name="use_case_scores"),
    path(ONE + "metrics/", metrics.MetricAddView.as_view(), name="metric_add"),
    path(ONE + "measurements/", metrics.MeasurementsView.as_view(), name="measurements"),
    path(ONE + "costs/", metrics.CostAddView.as_view(), name="cost_add"),
]
