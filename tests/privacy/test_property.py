"""Property test: for random partitions, thresholds and filters, no suppressed group's
count or sum, and no figure about fewer people than the threshold, can be worked out by
any linear combination of what `privacy` publishes. Checked by linear algebra (rank
tests, see tests/privacy/linear.py), not by listing cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import privacy
from tests.privacy.linear import derivable, indicator, small_derivable_sets, unit

SETTINGS = settings(max_examples=300, deadline=None, database=None)


@st.composite
def partitions(draw, max_groups: int = 8):
    """A threshold and a partition of people into groups (small and empty groups often),
    each person with a value: (threshold, sizes, per-group sums of the values)."""
    threshold = draw(st.integers(min_value=2, max_value=10))
    sizes = draw(
        st.lists(
            st.one_of(
                st.integers(min_value=0, max_value=threshold),  # at or under the threshold
                st.integers(min_value=0, max_value=4 * threshold),
            ),
            min_size=1,
            max_size=max_groups,
        )
    )
    rng = np.random.default_rng(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    sums = [float(rng.uniform(0, 100, size).sum()) for size in sizes]
    return threshold, sizes, sums


def as_groups(sizes, sums) -> list[privacy.Group]:
    return [privacy.Group(i, n, {"v": s}) for i, (n, s) in enumerate(zip(sizes, sums, strict=True))]


def published_rows(release: privacy.Release, width: int, views=()) -> tuple[list, list]:
    """The rows of everything a viewer sees, read only from what the release exposes:
    the count system and the sum system (a mean with its count gives the sum)."""
    counts, sums = [], []
    cells = [(cell, unit(width, i)) for i, cell in enumerate(release.cells)]
    cells.append((release.total, np.ones(width)))
    for keys, cell in views:
        cells.append((cell, indicator(width, keys)))
    for cell, row in cells:
        if cell.count is not None:
            counts.append(row)
        if cell.sum("v") is not None or (cell.mean("v") is not None and cell.count):
            sums.append(row)
    return counts, sums


def assert_nothing_small_can_be_derived(release, sizes, threshold, views=()):
    width = len(sizes)
    counts, sums = published_rows(release, width, views)
    for i, cell in enumerate(release.cells):
        if cell.suppressed:
            assert not derivable(counts, unit(width, i)), f"count of group {i} recoverable"
            assert not derivable(sums, unit(width, i)), f"sum of group {i} recoverable"
    # Stronger: no combination of groups with between 1 and k - 1 people either.
    assert small_derivable_sets(counts, sizes, threshold) == []
    assert small_derivable_sets(sums, sizes, threshold) == []


@SETTINGS
@given(case=partitions())
def test_a_partition_and_its_total_never_give_back_a_suppressed_group(case):
    threshold, sizes, sums = case
    groups = as_groups(sizes, sums)
    release = privacy.protect(groups, threshold=threshold)
    assert_nothing_small_can_be_derived(release, sizes, threshold)
    # What is published is true, and never about fewer than k people.
    for group, cell in zip(groups, release.cells, strict=True):
        if not cell.suppressed:
            assert cell.count == group.count >= threshold
            assert cell.sum("v") == group.sums["v"]
        else:
            assert cell.count is None and cell.sum("v") is None and cell.mean("v") is None
    if not release.total.suppressed:
        assert release.total.count == sum(sizes) >= threshold


@SETTINGS
@given(case=partitions(), selections=st.lists(st.sets(st.integers(0, 7)), max_size=6))
def test_filtered_views_cannot_be_differenced_against_each_other_or_the_total(case, selections):
    """A viewer who combines the partition, its total and every filter they may ask for
    (any selection of groups, e.g. departments in a dashboard filter) learns nothing
    about a suppressed group."""
    threshold, sizes, sums = case
    groups = as_groups(sizes, sums)
    release = privacy.protect(groups, threshold=threshold)
    keys = [sorted(k for k in chosen if k < len(sizes)) for chosen in selections]
    views = [(chosen, release.view(chosen)) for chosen in keys]
    for chosen, cell in views:
        if not cell.suppressed:
            assert cell.count == sum(sizes[i] for i in chosen) >= threshold
    assert_nothing_small_can_be_derived(release, sizes, threshold, views)


@SETTINGS
@given(cases=st.lists(partitions(max_groups=5), min_size=1, max_size=4))
def test_each_trend_point_is_its_own_partition(cases):
    """Periods side by side: unknowns of all periods in one system (block by block)."""
    width = sum(len(sizes) for _, sizes, _ in cases)
    threshold = cases[0][0]
    periods = {p: as_groups(sizes, sums) for p, (_, sizes, sums) in enumerate(cases)}
    releases = privacy.protect_series(periods, threshold=threshold)
    rows, offset, suppressed, all_sizes = [], 0, [], []
    for p, (_, sizes, _) in enumerate(cases):
        counts, _sums = published_rows(releases[p], len(sizes))
        for row in counts:
            wide = np.zeros(width)
            wide[offset : offset + len(sizes)] = row
            rows.append(wide)
        suppressed += [offset + i for i, c in enumerate(releases[p].cells) if c.suppressed]
        all_sizes += sizes
        offset += len(sizes)
    for index in suppressed:
        assert not derivable(rows, unit(width, index))
    assert small_derivable_sets(rows, all_sizes, threshold) == []


@SETTINGS
@given(
    threshold=st.integers(min_value=2, max_value=10),
    layers=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=7),
)
def test_nested_filters_never_differ_by_a_small_group(threshold, layers):
    """Populations one inside the other (filters): population i is layers i..end. The
    unknowns are the layers; a published population is the row of its layers."""
    width = len(layers)
    populations = [privacy.Group(i, sum(layers[i:]), {"v": float(i)}) for i in range(width)]
    cells = privacy.protect_nested(populations, threshold=threshold)
    rows = [indicator(width, range(i, width)) for i, c in enumerate(cells) if not c.suppressed]
    for i, cell in enumerate(cells):
        if cell.suppressed and populations[i].count:
            assert not derivable(rows, indicator(width, range(i, width)))
        else:
            assert cell.suppressed or cell.count >= threshold
    assert small_derivable_sets(rows, layers, threshold) == []


def test_the_check_is_not_vacuous_primary_suppression_alone_leaks():
    """The same arithmetic finds the issue's leak when only the small group is hidden:
    6 + 1 people, the total and the 6-person row give the single person."""
    rows = [np.array([1.0, 0.0]), np.ones(2)]
    assert derivable(rows, unit(2, 1))
    assert small_derivable_sets(rows, [6, 1], 5) == [(1,)]


@st.composite
def crossed(draw):
    """People with a department (0-3) and a track (0-2), each with a value: the atoms are
    the non-empty department x track cells."""
    threshold = draw(st.integers(min_value=2, max_value=7))
    people = draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=2)),
            min_size=1,
            max_size=30,
        )
    )
    rng = np.random.default_rng(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    cells: dict[tuple, list[float]] = {}
    for key in people:
        cells.setdefault(key, []).append(float(rng.uniform(0, 100)))
    atoms = [privacy.Group(key, len(values), {"v": sum(values)}) for key, values in cells.items()]
    return threshold, atoms


@settings(max_examples=200, deadline=None, database=None)
@given(case=crossed())
def test_two_breakdowns_of_the_same_people_cannot_be_combined_to_single_anyone_out(case):
    """Department rows and track rows side by side, with the total. Unknowns are the
    department x track cells: every published row is a union of them, so anything that can
    be worked out about people is a union of cells."""
    threshold, atoms = case
    releases = privacy.protect_crossed(atoms, threshold=threshold)
    width = len(atoms)
    sizes = [a.count for a in atoms]
    counts, sums, cells = [], [], []
    for part, release in enumerate(releases):
        for cell in release.cells:
            members = [i for i, a in enumerate(atoms) if a.key[part] == cell.key]
            cells.append((part, cell, members))
            if cell.count is not None:
                counts.append(indicator(width, members))
                assert cell.count == sum(sizes[i] for i in members) >= threshold
            if cell.sum("v") is not None or cell.mean("v") is not None:
                sums.append(indicator(width, members))
    if not releases[0].total.suppressed:
        counts.append(np.ones(width))
        sums.append(np.ones(width))
    assert small_derivable_sets(counts, sizes, threshold) == []
    assert small_derivable_sets(sums, sizes, threshold) == []
    later_published = any(not c.suppressed for part, c, _ in cells if part > 0)
    for part, cell, members in cells:
        people = sum(sizes[i] for i in members)
        if cell.suppressed and (people < threshold or part == 0 or later_published):
            assert not derivable(counts, indicator(width, members)), (part, cell.key)
            assert not derivable(sums, indicator(width, members)), (part, cell.key)


def test_the_example_of_rule_9_withholds_the_track_row():
    """Support: 6 engineers. Sales: 5 in finance and 1 engineer. Every department and
    track has at least 5 people, yet Engineering (7) minus Support (6) is one person."""
    atoms = [
        privacy.Group(("support", "engineering"), 6, {"v": 60.0}),
        privacy.Group(("sales", "finance"), 5, {"v": 50.0}),
        privacy.Group(("sales", "engineering"), 1, {"v": 3.0}),
    ]
    departments, tracks = privacy.protect_crossed(atoms, threshold=5)
    assert not departments["support"].suppressed and not departments["sales"].suppressed
    assert {c.key for c in tracks.cells if c.suppressed} == {"engineering", "finance"}
    assert tracks["engineering"].reason == privacy.Reason.CROSS
    with pytest.raises(ValueError, match="not audited"):
        departments.view(["support"])
