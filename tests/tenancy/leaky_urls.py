"""URLs that break the tenancy rules, for test_system_check_flags_views_outside_the_base_classes."""

from django.http import HttpResponse
from django.urls import path


def unscoped_page(request, org_slug):
    return HttpResponse("no checks here")


def unmarked_page(request):
    return HttpResponse("neither scoped nor exempt")


urlpatterns = [
    path("o/<slug:org_slug>/leak/", unscoped_page),
    path("loose/", unmarked_page),
]
