from django.urls import path

from core import shadow_strategy, views

app_name = "core"
ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path("", views.RootView.as_view(), name="home"),
    path(ORG, views.OrgHomeView.as_view(), name="org_home"),
    path(ORG + "admin/", views.AdminHomeView.as_view(), name="admin_home"),
    path(ORG + "executive/", views.ExecutiveHomeView.as_view(), name="executive_home"),
    path(ORG + "manager/", views.ManagerHomeView.as_view(), name="manager_home"),
    path(ORG + "me/", views.EmployeeHomeView.as_view(), name="employee_home"),
    path(
        ORG + "shadow-ai/use-case/",
        shadow_strategy.ShadowUseCaseView.as_view(),
        name="shadow_use_case",
    ),
]
