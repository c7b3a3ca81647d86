"""The risk formula (shadow_ai/risk.py), against examples worked by hand."""

import pytest

from shadow_ai.risk import (
    RiskInputs,
    ToolAttributes,
    department_mix,
    department_sensitivity,
    exposure,
    risk_score,
    tool_risk,
)

SAFE = ToolAttributes(
    trains_on_user_data=False,
    retention_days=0,
    enterprise_plan=True,
    sso=True,
    soc2=True,
    iso27001=True,
    data_residency=("EU", "US"),
)
UNKNOWN = ToolAttributes()


def test_a_tool_shown_safe_on_every_attribute_has_no_tool_risk():
    assert tool_risk(SAFE) == (0.0, [])


def test_an_unknown_tool_counts_every_attribute_as_unsafe():
    t, reasons = tool_risk(UNKNOWN)
    # 0.30 + 0.15 + 0.15 + 0.15 + 0.10 + 0.10 + 0.05
    assert t == 1.0
    assert "training on user data unknown (+0.30)" in reasons
    assert "SSO unknown (+0.10)" in reasons


def test_short_retention_adds_less_than_long_retention():
    short = ToolAttributes(**{**SAFE.__dict__, "retention_days": 30})
    long = ToolAttributes(**{**SAFE.__dict__, "retention_days": 31})
    assert tool_risk(short)[0] == 0.05
    assert tool_risk(long) == (0.15, ["keeps data 31 days (+0.15)"])


def test_consumer_chat_tool_by_hand():
    # Trains on data (0.30), keeps 30 days (0.05), has no SSO (0.10), no residency (0.15).
    attrs = ToolAttributes(
        trains_on_user_data=True,
        retention_days=30,
        enterprise_plan=True,
        sso=False,
        soc2=True,
        iso27001=True,
        data_residency=(),
    )
    t, reasons = tool_risk(attrs)
    assert t == pytest.approx(0.60)
    assert reasons == [
        "trains on user data by default (+0.30)",
        "keeps data 30 days (+0.05)",
        "no SSO (+0.10)",
        "no data-residency choice (+0.15)",
    ]


def test_exposure_by_hand():
    # 25 of 100 people: sqrt(0.25) = 0.5; 99 of at most 9999 events: log10(100)/log10(10000)
    # = 2/4 = 0.5. E = 0.6 x 0.5 + 0.4 x 0.5 = 0.5.
    assert exposure(users=25, members=100, events=99, max_events=9999) == pytest.approx(0.5)
    # Everyone, the busiest tool: 1.
    assert exposure(users=100, members=100, events=10, max_events=10) == pytest.approx(1.0)
    # Withheld volume counts as 0.5; 4 of 100 users: 0.6 x 0.2 + 0.4 x 0.5 = 0.32.
    assert exposure(users=4, members=100, events=None, max_events=10) == pytest.approx(0.32)


def test_the_whole_score_by_hand():
    # T = 1 (unknown), S = 1 (prohibited), E = 0.5, D = 0.6:
    # 100 x 1 x 1 x 0.75 x 0.8 = 60, high.
    risk = risk_score(
        RiskInputs(
            attributes=UNKNOWN,
            status="prohibited",
            users=25,
            members=100,
            events=99,
            max_events=9999,
            department_sensitivity=0.6,
        )
    )
    assert (risk.score, risk.band) == (60.0, "high")
    assert (risk.tool_risk, risk.status_factor, risk.exposure, risk.sensitivity) == (
        1.0,
        1.0,
        0.5,
        0.6,
    )


def test_approval_lowers_the_score_fivefold():
    inputs = dict(attributes=UNKNOWN, users=25, members=100, events=99, max_events=9999) | {
        "department_sensitivity": 0.6
    }
    prohibited = risk_score(RiskInputs(status="prohibited", **inputs))
    approved = risk_score(RiskInputs(status="approved", **inputs))
    conditions = risk_score(RiskInputs(status="approved_with_conditions", **inputs))
    # 60 x 0.2 = 12 (low); 60 x 0.4 = 24 (medium).
    assert (approved.score, approved.band) == (12.0, "low")
    assert (conditions.score, conditions.band) == (24.0, "medium")
    assert prohibited.score == 5 * approved.score


def test_a_safe_tool_scores_zero_however_much_it_is_used():
    risk = risk_score(
        RiskInputs(
            attributes=SAFE,
            status="unreviewed",
            users=100,
            members=100,
            events=10,
            max_events=10,
            department_sensitivity=1.0,
        )
    )
    assert risk.score == 0.0


def test_little_use_does_not_hide_a_risky_tool():
    # Floors: E = 0 and D = 0 still leave 100 x 1 x 1 x 0.5 x 0.5 = 25.
    risk = risk_score(
        RiskInputs(
            attributes=UNKNOWN,
            status="prohibited",
            users=0,
            members=100,
            events=0,
            max_events=1000,
            department_sensitivity=0.0,
        )
    )
    assert risk.score == 25.0


def test_department_sensitivity_is_the_mean_over_its_tracks():
    # 3 in finance (1.0) and 1 in marketing (0.4): (3 + 0.4) / 4 = 0.85.
    assert department_sensitivity({"finance": 3, "marketing": 1}) == pytest.approx(0.85)
    assert department_sensitivity({}) == 0.5


def test_department_mix_weights_published_users_and_the_residual_at_the_withheld_mean():
    sens = {"fin": 1.0, "mkt": 0.4, "eng": 0.6, "hr": 1.0}
    # Published: 10 in finance, 10 in marketing; 6 more withheld in eng and hr together,
    # weighted at their mean (0.8): (10 + 4 + 6 x 0.8) / 26 = 18.8 / 26.
    mix = department_mix(
        {"fin": 10, "mkt": 10}, sens, residual=6, residual_keys=frozenset({"eng", "hr"})
    )
    assert mix == pytest.approx(18.8 / 26)
    # Nothing published: the organisation's mean, (1 + 0.4 + 0.6 + 1) / 4 = 0.75.
    assert department_mix({}, sens) == pytest.approx(0.75)
