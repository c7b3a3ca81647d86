"""The use-case API: roles as in the UI, idempotent measurement pushes, ROI figures."""

from datetime import date

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_regenerate
from roi.models import Measurement, UseCase
from tenancy.context import org_context


def client(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_regenerate(user=user)}")
    return c


def path(cast, name, **kw):
    return reverse(f"api:{name}", kwargs={"org_slug": cast.org_a.slug, **kw})


def test_any_member_proposes_only_admins_edit_and_delete(cast):
    response = client(cast.emil).post(
        path(cast, "use-case-list"),
        {"title": "Bot", "problem": "p", "department": cast.support.pk},
        format="json",
    )
    assert response.status_code == 201 and response.json()["stage"] == "proposed"
    pk = response.json()["id"]
    detail = path(cast, "use-case-detail", pk=pk)
    assert client(cast.emil).patch(detail, {"title": "Mine"}, format="json").status_code == 403
    assert client(cast.erin).delete(detail).status_code == 403
    assert (
        client(cast.alice).patch(detail, {"title": "Bot 2"}, format="json").json()["title"]
        == "Bot 2"
    )
    assert client(cast.alice).delete(detail).status_code == 204
    with org_context(cast.org_a):
        assert not UseCase.objects.filter(pk=pk).exists()


def test_another_organisations_department_is_unknown(cast):
    response = client(cast.alice).post(
        path(cast, "use-case-list"),
        {"title": "Bot", "problem": "p", "department": cast.b_department.pk},
        format="json",
    )
    assert response.status_code == 409 and "No department" in response.json()["department"][0]


def test_batch_push_is_idempotent_and_all_or_nothing(cast, pilot):
    batch = path(cast, "measurement-batch")
    rows = [
        {"metric": pilot.metric.pk, "period": "2026-01-01", "value": 12},
        {"metric": pilot.metric.pk, "period": "2026-02-01", "value": 9},
    ]
    for _ in range(2):
        response = client(cast.alice).post(batch, {"measurements": rows}, format="json")
        assert response.status_code == 200 and len(response.json()) == 2
    with org_context(cast.org_a):
        assert Measurement.objects.count() == 2
    bad = [*rows, {"metric": pilot.metric.pk, "period": "2026-03-01", "value": "x"}]
    response = client(cast.alice).post(batch, {"measurements": bad}, format="json")
    assert response.status_code == 400 and "row 3" in str(response.json())
    twice = [{"metric": pilot.metric.pk, "period": "2026-03-01", "value": 1}] * 2
    response = client(cast.alice).post(batch, {"measurements": twice}, format="json")
    assert response.status_code == 409 and "appears twice" in str(response.json())
    with org_context(cast.org_a):
        assert Measurement.objects.count() == 2
    assert client(cast.erin).post(batch, {"measurements": rows}, format="json").status_code == 403


def test_single_push_for_another_organisations_metric_is_refused(cast, pilot):
    response = client(cast.bob).post(
        reverse("api:measurement-list", kwargs={"org_slug": cast.org_b.slug}),
        {"metric": pilot.metric.pk, "period": "2026-01-01", "value": 1},
        format="json",
    )
    assert response.status_code == 409 and "no metric" in str(response.json())


def test_roi_figures_are_read_through_the_api(cast, pilot):
    from roi.services.metrics import cost_add

    with org_context(cast.org_a):
        cost_add(
            use_case=pilot,
            actor=cast.alice,
            category="people",
            kind="one_off",
            amount=100,
            start=date(2026, 1, 1),
        )
    data = client(cast.emil).get(path(cast, "use-case-roi", pk=pilot.pk)).json()
    assert data["summary"]["invested"] == 100 and data["months"][0]["cost"] == 100
    portfolio = client(cast.erin).get(path(cast, "use-case-portfolio")).json()
    assert portfolio["summary"]["invested"] == 100 and portfolio["stage_counts"]["pilot"] == 1
