"""Measurements (manual, CSV), costs, weights: bad input says what and where, saves nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from roi.finance import add_months, month_start
from roi.models import Cost, Criterion, Measurement, Metric
from roi.selectors.returns import portfolio, use_case_returns
from roi.services.metrics import (
    Row,
    cost_add,
    measurements_import_csv,
    measurements_record,
    metric_create,
)
from roi.services.settings import weights_set
from tenancy.context import org_context
from tests.roi.conftest import make_use_case


def test_csv_errors_are_per_line_and_nothing_is_saved(cast, pilot):
    future = add_months(month_start(timezone.localdate()), 2).strftime("%Y-%m")
    text = (
        "metric,period,value,unit\n"
        "Handling time,2026-01,12,minutes\n"  # line 2: fine
        "Handling time,2026-01,11,minutes\n"  # line 3: duplicate period
        "Handling time,2026-02,lots,minutes\n"  # line 4: not a number
        "Handling time,2026-03,9,furlongs\n"  # line 5: unknown unit
        f"Handling time,{future},9,minutes\n"  # line 6: future
        "Nope,2026-03,9,\n"  # line 7: not a metric of this use case
    )
    with org_context(cast.org_a), pytest.raises(ValidationError) as error:
        measurements_import_csv(use_case=pilot, actor=cast.alice, text=text)
    messages = error.value.messages
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    assert "appears twice (also line 2)" in messages[0]
    assert "'lots' is not a number" in messages[1]
    assert "unknown unit 'furlongs'" in messages[2]
    assert "in the future" in messages[3]
    assert "no metric 'Nope'" in messages[4]
    with org_context(cast.org_a):
        assert not Measurement.objects.exists()


def test_a_csv_with_a_missing_column_is_refused(cast, pilot):
    with org_context(cast.org_a), pytest.raises(ValidationError, match="no column value"):
        measurements_import_csv(use_case=pilot, actor=cast.alice, text="metric,period\nx,2026-01\n")


def test_pushing_the_same_period_again_replaces_it(cast, pilot):
    with org_context(cast.org_a):
        for value in ("12", "11"):
            measurements_record(
                use_case=pilot,
                actor=cast.alice,
                source="api",
                rows=[Row(pilot.metric.pk, "2026-01", value)],
            )
        assert [(m.period, m.value) for m in Measurement.objects.all()] == [(date(2026, 1, 1), 11)]


def test_upload_page_shows_line_errors(client_for, cast, pilot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = reverse("roi:measurements", kwargs={"org_slug": cast.org_a.slug, "pk": pilot.pk})
    upload = SimpleUploadedFile("m.csv", b"metric,period,value\nHandling time,2026-01,abc\n")
    response = client_for(cast.alice).post(path, {"action": "csv", "file": upload})
    assert response.status_code == 400
    assert "Line 2: value &#x27;abc&#x27; is not a number" in response.content.decode()


def test_a_negative_cost_is_refused(cast):
    use_case = make_use_case(cast.org_a)
    with org_context(cast.org_a), pytest.raises(ValidationError, match="cannot be negative"):
        cost_add(
            use_case=use_case,
            actor=cast.alice,
            category="other",
            kind="one_off",
            amount=-5,
            start=date(2026, 1, 1),
        )
    with org_context(cast.org_a):
        assert not Cost.objects.exists()


def test_an_unknown_unit_for_a_metric_is_refused(cast):
    use_case = make_use_case(cast.org_a)
    with org_context(cast.org_a), pytest.raises(ValidationError, match="Unknown unit 'parsecs'"):
        metric_create(
            use_case=use_case, actor=cast.alice, tier=1, name="x", unit="parsecs", target=1
        )


def test_weights_must_sum_to_100(cast, client_for):
    with org_context(cast.org_a), pytest.raises(ValidationError, match="add up to 90%"):
        weights_set(
            organization=cast.org_a,
            actor=cast.alice,
            weights={
                "roi_potential": 30,
                "strategic_alignment": 35,
                "technical_feasibility": 25,
                "data_readiness": 0,
                "risk": 0,
                "sponsorship": 0,
            },
        )
    path = reverse("roi:weights", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).post(
        path,
        {
            "weight_roi_potential": "50",
            "weight_strategic_alignment": "50",
            "weight_technical_feasibility": "25",
            "weight_data_readiness": "0",
            "weight_risk": "0",
            "weight_sponsorship": "0",
        },
    )
    assert response.status_code == 400 and "add up to 125%" in response.content.decode()
    with org_context(cast.org_a):
        assert not Criterion.objects.exists()  # the defaults stay unsaved


def test_saved_weights_re_rank(cast, client_for):
    from roi.services.use_cases import scores_set

    a = make_use_case(cast.org_a, title="Aaa strategic")
    b = make_use_case(cast.org_a, title="Bbb lucrative")
    with org_context(cast.org_a):
        scores_set(
            use_case=a,
            actor=cast.alice,
            scores={"roi_potential": 1, "strategic_alignment": 5, "technical_feasibility": 3},
        )
        scores_set(
            use_case=b,
            actor=cast.alice,
            scores={"roi_potential": 5, "strategic_alignment": 2, "technical_feasibility": 3},
        )
    path = reverse("roi:priorities", kwargs={"org_slug": cast.org_a.slug})
    # defaults: a = (30 + 225 + 75)/100 = 3.3; b = (150 + 90 + 75)/100 = 3.15
    first = client_for(cast.erin).get(path).content.decode()
    assert first.index("Aaa strategic") < first.index("Bbb lucrative")
    weights = {
        "weight_roi_potential": "60",
        "weight_strategic_alignment": "15",
        "weight_technical_feasibility": "25",
        "weight_data_readiness": "0",
        "weight_risk": "0",
        "weight_sponsorship": "0",
    }
    assert (
        client_for(cast.alice)
        .post(reverse("roi:weights", kwargs={"org_slug": cast.org_a.slug}), weights)
        .status_code
        == 302
    )
    second = client_for(cast.erin).get(path).content.decode()
    assert second.index("Bbb lucrative") < second.index("Aaa strategic")


def test_tier2_hours_convert_to_money_and_feed_roi(cast):
    use_case = make_use_case(cast.org_a, stage="production", confidence="0.5")
    with org_context(cast.org_a):
        hours = metric_create(
            use_case=use_case,
            actor=cast.alice,
            tier=2,
            name="Hours saved",
            unit="hours",
            target=100,
            converts_to_money=True,
            hourly_cost=50,
            recapture_share="0.4",
        )
        measurements_record(
            use_case=use_case,
            actor=cast.alice,
            source="manual",
            rows=[Row(hours.pk, "2026-01", "100"), Row(hours.pk, "2026-02", "100")],
        )
        cost_add(
            use_case=use_case,
            actor=cast.alice,
            category="licences",
            kind="one_off",
            amount=1000,
            start=date(2026, 1, 1),
        )
        returns = use_case_returns(use_case, today=date(2026, 2, 10))
        # 100 h x 50 x 0.4 = 2,000 a month
        assert returns.benefits == [2000, 2000]
        assert returns.summary.roi_percent == pytest.approx(300)
        assert returns.summary.payback_month == 1
        assert returns.summary.risk_adjusted_value == pytest.approx(2000)
        data = portfolio(cast.org_a, today=date(2026, 2, 10))
        assert data.total.summary.value == pytest.approx(4000)
        assert data.initiatives_with_tier3 == 1 and data.tier3_share == 1
    with (
        pytest.raises(ValidationError, match="Only a tier-2 metric in hours"),
        org_context(cast.org_a),
    ):
        metric_create(
            use_case=use_case,
            actor=cast.alice,
            tier=1,
            name="Users",
            unit="count",
            target=1,
            converts_to_money=True,
        )
    assert Metric


def test_a_csv_row_with_extra_cells_is_read_without_them(cast, pilot):
    text = "metric,period,value\nHandling time,2026-01,12,surplus,cells\n"
    with org_context(cast.org_a):
        assert len(measurements_import_csv(use_case=pilot, actor=cast.alice, text=text)) == 1
