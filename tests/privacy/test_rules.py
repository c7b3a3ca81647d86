"""The rules of `privacy`, one named example each (the property test covers the rest)."""

import pytest

import privacy
from privacy import Group, Reason, audit


def release_of(*sizes: int, threshold: int = 5) -> privacy.Release:
    groups = [Group(chr(ord("a") + i), n, {"score": 10.0 * n}) for i, n in enumerate(sizes)]
    return privacy.protect(groups, threshold=threshold)


def test_groups_at_or_over_the_threshold_are_published_with_their_total():
    release = release_of(5, 7)
    assert [c.count for c in release.cells] == [5, 7]
    assert release["b"].mean("score") == 10.0 and release["b"].sum("score") == 70.0
    assert release.total.count == 12 and release.total.mean("score") == 10.0
    assert release.suppressed_keys == frozenset()


def test_a_small_group_has_no_figure_and_says_why():
    cell = release_of(4, 20, 20)["a"]
    assert cell.suppressed and cell.reason == Reason.PRIMARY
    assert cell.count is None and cell.sum("score") is None and cell.mean("score") is None
    assert cell.why == "fewer than 5 people"


def test_six_and_one_both_departments_are_suppressed_the_total_stays():
    """The issue's case: the total (7) minus the 6-person row would give the single
    person, so the 6-person row is withheld too."""
    release = release_of(6, 1)
    assert release["b"].reason == Reason.PRIMARY
    assert release["a"].reason == Reason.COMPLEMENTARY
    assert "subtraction" in release["a"].why
    assert release.total.count == 7


def test_the_smallest_other_groups_are_withheld_until_the_residual_reaches_the_threshold():
    release = release_of(1, 1, 9, 6, 5)
    # Residual 2 -> add the 5 -> 7: the 6 and the 9 stay published.
    assert release.suppressed_keys == {"a", "b", "e"}
    assert release["e"].reason == Reason.COMPLEMENTARY
    assert release["c"].count == 9 and release["d"].count == 6


def test_ties_fall_on_the_group_listed_first():
    assert release_of(2, 6, 6).suppressed_keys == {"a", "b"}


def test_a_population_under_the_threshold_publishes_nothing():
    release = release_of(2, 2)
    assert release.published == [] and release.total.suppressed


def test_an_empty_group_needs_the_same_protection():
    release = release_of(0, 8, 9)
    assert release.suppressed_keys == {"a", "b"}


def test_a_filter_that_splits_the_suppressed_groups_is_withheld():
    release = release_of(1, 6, 8, 9)  # a (1) and b (6) are suppressed
    assert release.view(["a", "c"]).reason == Reason.FILTER  # minus c gives a
    assert release.view(["b", "d"]).reason == Reason.FILTER  # minus d gives b
    both = release.view(["a", "b", "c"])
    assert not both.suppressed and both.count == 15  # minus c gives a + b (7 people)
    assert release.view(["c", "d"]).count == 17
    assert release.view(["a"]).reason == Reason.PRIMARY
    with pytest.raises(KeyError):
        release.view(["z"])


def test_nested_populations_differing_by_a_few_people_are_withheld():
    populations = [Group("all", 20), Group("finished", 18), Group("certified", 10)]
    cells = privacy.protect_nested(populations, threshold=5)
    assert [c.reason for c in cells] == [None, Reason.DIFFERENCE, None]
    assert "fewer than 5 people" in cells[1].why
    with pytest.raises(ValueError):
        privacy.protect_nested(list(reversed(populations)), threshold=5)


def test_each_period_is_its_own_partition():
    series = privacy.protect_series(
        {"Q1": [Group("a", 6), Group("b", 1)], "Q2": [Group("a", 6), Group("b", 6)]},
        threshold=5,
    )
    assert series["Q1"].suppressed_keys == {"a", "b"}
    assert series["Q2"].suppressed_keys == frozenset()


def test_a_lone_population_follows_the_primary_rule():
    assert privacy.protect_population(4, {"x": 1.0}, threshold=5).suppressed
    assert privacy.protect_population(5, {"x": 10.0}, threshold=5).mean("x") == 2.0


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="twice"):
        privacy.protect([Group("a", 1), Group("a", 2)], threshold=5)
    with pytest.raises(ValueError, match="count"):
        Group("a", -1)
    with pytest.raises(ValueError, match="threshold"):
        privacy.protect([Group("a", 1)], threshold=0)
    with pytest.raises(ValueError, match="tuple"):
        privacy.protect_crossed([Group("a", 1)], threshold=5)


def test_the_threshold_is_the_organisations():
    class Org:
        anonymity_threshold = 7

    assert privacy.threshold_for(Org()) == 7


def test_the_audit_finds_a_difference_of_two_published_sets():
    # Atoms: support-engineering (6), sales-engineering (1), sales-finance (5).
    published = [[0], [0, 1]]  # Support, and the Engineering track
    assert audit.leaks(published, [6, 1, 5], 5) == [frozenset([1])]
    assert audit.leaks([[0, 1, 2], [0]], [6, 1, 5], 5) == []
    assert audit.leaks([[0, 1, 2], [0]], [6, 1, 5], 5, protected=[[1, 2]]) == [frozenset([1, 2])]
