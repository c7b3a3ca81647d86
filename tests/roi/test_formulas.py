"""The financial and model-fit formulas against examples worked by hand."""

from datetime import date

import pytest

from roi import finance, modelfit
from roi.prioritisation import CriterionSpec, quadrant, rank

# A year, Jan-Dec 2026: a 10,000 one-off set-up cost in January and 500 a month of licences,
# and 2,500 a month of benefit from April.
MONTHS = finance.months_between(date(2026, 1, 1), date(2026, 12, 1))
COSTS = [
    finance.CostItem("one_off", 10_000, date(2026, 1, 15)),
    finance.CostItem("recurring", 500, date(2026, 1, 1), None),
]
BENEFITS = [0, 0, 0] + [2500] * 9


def test_cost_series_places_one_off_and_recurring_costs_in_their_months():
    series = finance.cost_series(COSTS, MONTHS)
    assert series == [10_500] + [500] * 11
    ended = finance.cost_series(
        [finance.CostItem("recurring", 100, date(2026, 3, 1), date(2026, 4, 1))], MONTHS
    )
    assert ended == [0, 0, 100, 100] + [0] * 8


def test_roi_payback_and_npv_over_twelve_months_with_uneven_costs():
    costs = finance.cost_series(COSTS, MONTHS)
    s = finance.summarise(BENEFITS, costs, yearly_rate=0.10, confidence=0.8)
    # invested 10,000 + 12 x 500 = 16,000; value 9 x 2,500 = 22,500; net 6,500
    assert (s.invested, s.value, s.net) == (16_000, 22_500, 6_500)
    # ROI = 6,500 / 16,000 = 40.625 %
    assert s.roi_percent == pytest.approx(40.625)
    # Cumulative: month 8: benefit 12,500 < cost 14,000; month 9: 15,000 >= 14,500.
    assert s.payback_month == 9
    # NPV: -10,500/1.1^(1/12) - 500/1.1^(2/12) - 500/1.1^(3/12) + sum_{m=4..12} 2,000/1.1^(m/12)
    #    = -10,416.9 - 492.1 - 488.2 + 16,895.3 = 5,498.1
    assert s.npv == pytest.approx(5498.13, abs=0.01)
    # risk-adjusted: 22,500 x 0.8
    assert s.risk_adjusted_value == pytest.approx(18_000)


def test_no_payback_and_no_roi_without_investment():
    assert finance.payback_month([0, 0], [100, 100]) is None
    assert finance.summarise([10], [0], yearly_rate=0.1, confidence=1).roi_percent is None


def test_npv_counts_three_years_only():
    flows = [100.0] * 48
    assert finance.npv(flows, [0.0] * 48, 0.0) == pytest.approx(3600)


def test_recapture_share_turns_only_part_of_the_saved_time_into_money():
    # 40 hours saved x 60 an hour x 50 % recaptured = 1,200
    assert finance.converted_value(40, 60, 0.5) == pytest.approx(1200)
    assert finance.converted_value(40, 60, 0.25) == pytest.approx(600)


def test_slm_first_routing_price_per_request_from_the_default_prices():
    prices = modelfit.Prices(0.002, 0.08, 6.00, 87, 11, 2)
    # 0.87 x 0.002 + 0.11 x 0.08 = 0.01054 of model cost per request, plus
    # 0.02 x 6.00 = 0.12 of human handling: 0.13054 in all (see docs/roi.md on the brief's 0.015).
    assert prices.slm_first == pytest.approx(0.13054)
    costs = modelfit.monthly_costs(1000, prices)  # 30,000 requests a month
    assert costs == pytest.approx({"slm": 60.0, "slm_first": 3916.2, "llm": 2400.0})


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (dict(task_type="classification", breadth="narrow"), "slm"),
        (dict(task_type="creative", breadth="broad"), "llm"),
        (dict(task_type="open_reasoning", breadth="moderate"), "slm_first"),
        (dict(task_type="extraction", breadth="broad"), "slm_first"),
        (dict(task_type="creative", breadth="broad", edge=True), "slm"),
        (dict(task_type="open_reasoning", breadth="broad", sensitivity="restricted"), "slm"),
        (dict(task_type="summarisation", breadth="moderate", daily_requests=5000), "slm"),
        (dict(task_type="summarisation", breadth="moderate", daily_requests=50), "slm_first"),
        (
            dict(task_type="routing", breadth="moderate", latency="realtime", daily_requests=5),
            "slm",
        ),
    ],
)
def test_model_fit_rules_on_representative_cases(case, expected):
    base = dict(daily_requests=100, latency="interactive", sensitivity="internal", edge=False)
    advice = modelfit.recommend(**{**base, **case})
    assert advice.option == expected
    assert advice.reasons and all(isinstance(r, str) and r for r in advice.reasons)


SPECS = [
    CriterionSpec("roi_potential", "ROI", 30, "impact", False),
    CriterionSpec("strategic_alignment", "Strategy", 45, "impact", False),
    CriterionSpec("technical_feasibility", "Feasibility", 25, "feasibility", False),
    CriterionSpec("risk", "Risk", 0, "feasibility", True),
]


def test_priority_is_the_weighted_mean_and_weights_re_rank():
    items = [
        {
            "id": 1,
            "title": "A",
            "scores": {"roi_potential": 5, "strategic_alignment": 1, "technical_feasibility": 5},
        },
        {
            "id": 2,
            "title": "B",
            "scores": {"roi_potential": 1, "strategic_alignment": 5, "technical_feasibility": 1},
        },
        {"id": 3, "title": "C", "scores": {}},
    ]
    ranked = rank(SPECS, items)
    # A: (30x5 + 45x1 + 25x5)/100 = 3.2; B: (30 + 225 + 25)/100 = 2.8
    assert [r["title"] for r in ranked] == ["A", "B", "C"]
    assert ranked[0]["priority"] == pytest.approx(3.2)
    assert ranked[2]["priority"] is None
    heavier_strategy = [
        s if s.key != "strategic_alignment" else CriterionSpec(s.key, s.name, 70, s.axis, False)
        for s in SPECS
    ]
    heavier_strategy[0] = CriterionSpec("roi_potential", "ROI", 5, "impact", False)
    assert [r["title"] for r in rank(heavier_strategy, items)][:2] == ["B", "A"]


def test_risk_counts_inversely_and_quadrants_split_at_three():
    scores = {"technical_feasibility": 4, "risk": 5}
    # feasibility axis: technical 4 weighs 25, risk weighs 0 -> only technical counts
    ranked = rank(SPECS, [{"id": 1, "title": "x", "scores": {**scores, "roi_potential": 4}}])
    assert ranked[0]["feasibility"] == pytest.approx(4)
    zero = [CriterionSpec("risk", "Risk", 0, "feasibility", True)]
    # all weights 0 on the axis: equal weights, risk 5 counts as 1
    assert rank(zero, [{"id": 1, "title": "x", "scores": {"risk": 5}}])[0]["feasibility"] == 1
    assert quadrant(4, 4) == "quick wins"
    assert quadrant(4, 2) == "strategic bets"
    assert quadrant(2, 4) == "fill-ins"
    assert quadrant(2, 2) == "deprioritise"
