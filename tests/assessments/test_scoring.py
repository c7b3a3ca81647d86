"""Scoring and item statistics against values computed by hand."""

import numpy as np
import pytest

from assessments import scoring
from assessments.statistics import corrected_item_total, cronbach_alpha, item_statistics

LEVELS = [
    {"key": "unacceptable", "min_score": 0},
    {"key": "capable", "min_score": 40},
    {"key": "adoptive", "min_score": 65},
    {"key": "transformative", "min_score": 85},
]
COMPETENCIES = ["delegation", "description", "discernment", "diligence"]


def test_item_scores_are_normalised():
    assert scoring.scenario_score(3) == 1 and scoring.scenario_score(0) == 0
    assert scoring.scenario_score(2) == pytest.approx(2 / 3)
    assert scoring.scale_score(3) == 0.75
    assert scoring.rubric_score(5) == 1 and scoring.rubric_score(-1) == 0
    options = {"a", "b", "c", "d"}
    correct = {"a", "c"}
    assert scoring.multi_select_score(["a", "c"], correct, options) == 1
    assert scoring.multi_select_score(["a"], correct, options) == 0.5
    assert scoring.multi_select_score(["a", "b"], correct, options) == 0
    assert scoring.multi_select_score(["b", "d"], correct, options) == 0  # never below zero
    with pytest.raises(ValueError):
        scoring.multi_select_score(["z"], correct, options)
    # Share right minus share wrong: every wrong tick costs, ticking everything earns 0.
    six, two = set("abcdef"), {"a", "b"}
    assert scoring.multi_select_score(six, two, six) == 0
    assert scoring.multi_select_score(["a", "c"], two, six) == 0.25  # 1/2 - 1/4
    assert scoring.multi_select_score(["a", "b", "c"], two, six) == 0.75
    assert scoring.frequency_score(3) == 0.75
    assert scoring.frequency_score(0, not_applicable=True) is None
    with pytest.raises(ValueError):
        scoring.scenario_score(4)


def test_levels_follow_the_documented_thresholds():
    assert [scoring.level_for(s, LEVELS) for s in (0, 39.9, 40, 64.9, 65, 84.9, 85, 100)] == [
        "unacceptable",
        "unacceptable",
        "capable",
        "capable",
        "adoptive",
        "adoptive",
        "transformative",
        "transformative",
    ]


def test_one_very_weak_competency_cannot_hide_behind_strong_ones():
    # By hand: delegation 75, description 100, discernment 90, diligence 20.
    # Mean 71.25 is Adoptive, but the weakest (20) is Unacceptable: capped one level above it.
    answers = [
        ("delegation", "scenario", 1.0),
        ("delegation", "scenario", 0.5),
        ("description", "scenario", 1.0),
        ("description", "multi_select", 1.0),
        ("discernment", "scenario", 1.0),
        ("discernment", "scenario", 0.8),
        ("diligence", "scenario", 0.2),
        ("diligence", "frequency", 0.2),
    ]
    result = scoring.score_attempt(answers, LEVELS, COMPETENCIES)
    assert result.competency_scores == pytest.approx(
        {"delegation": 75, "description": 100, "discernment": 90, "diligence": 20}
    )
    assert result.competency_levels == {
        "delegation": "adoptive",
        "description": "transformative",
        "discernment": "transformative",
        "diligence": "unacceptable",
    }
    assert result.overall_score == pytest.approx(71.25)
    assert result.overall_level == "capable"
    assert result.weakest == "diligence"


def test_balanced_profile_keeps_the_level_of_its_mean():
    answers = [
        (c, "scenario", s) for c, s in zip(COMPETENCIES, [0.7, 0.72, 0.68, 0.66], strict=True)
    ]
    result = scoring.score_attempt(answers, LEVELS, COMPETENCIES)
    assert result.overall_score == pytest.approx(69)
    assert result.overall_level == "adoptive"


def test_attitude_never_counts_against_a_competency_only_the_segment():
    base = [(c, "scenario", 0.9) for c in COMPETENCIES]
    sceptic = scoring.score_attempt([*base, ("delegation", "attitude", 0.0)], LEVELS, COMPETENCIES)
    keen = scoring.score_attempt([*base, ("delegation", "attitude", 1.0)], LEVELS, COMPETENCIES)
    assert sceptic.competency_scores == keen.competency_scores
    assert sceptic.segment == "resister"


@pytest.mark.parametrize(
    ("behaviour", "attitude", "segment"),
    [
        (0.875, 0.75, "early_adopter"),
        (0.5, 0.5, "pragmatist"),
        (0.9, 0.2, "resister"),
        (0.1, 0.9, "resister"),
        (0.6, 0.59, "pragmatist"),
        (None, None, "pragmatist"),
    ],
)
def test_segments(behaviour, attitude, segment):
    assert scoring.segment(behaviour, attitude) == segment


MATRIX = np.array([[1, 1, 1], [1, 0, 1], [0, 0, 1], [0, 0, 0]], dtype=float)


def test_cronbach_alpha_by_hand():
    # Item variances 1/3, 1/4, 1/4 (sum 5/6); total variance 5/3; alpha = 3/2 x (1 - 1/2).
    assert cronbach_alpha(MATRIX) == pytest.approx(0.75)


def test_discrimination_by_hand():
    # Item 1 = [1,1,0,0], rest = [2,1,1,0]: r = 1 / sqrt(1 x 2).
    first, second, third = corrected_item_total(MATRIX)
    assert first == pytest.approx(1 / np.sqrt(2))
    # Item 2 = [1,0,0,0], rest = [2,2,1,0]: deviations .75,-.25x3 and .75,.75,-.25,-1.25.
    assert second == pytest.approx(0.75 / np.sqrt(0.75 * 2.75))
    assert third == pytest.approx(np.corrcoef(MATRIX[:, 2], MATRIX.sum(1) - MATRIX[:, 2])[0, 1])


def test_item_flags():
    matrix = np.array([[1, 0.0, 1], [1, 0.0, 0], [1, 0.0, 1], [1, 0.1, 0]])
    stats, _alpha = item_statistics(matrix, ["easy", "hard", "mid"])
    flags = {s.item: s.flags for s in stats}
    assert flags["easy"] == ["too easy"]
    assert "too hard" in flags["hard"]
