"""The one place every aggregate goes through before anyone sees it (page, chart, CSV, API).

Every figure the platform shows about people is a count or a sum (a mean is a sum once its
count is known; a share is a sum of 0/1 values) over a group of people. A viewer who sees
several figures can add and subtract them, so hiding a small group's own row is not enough:
with 6 people in one department and 1 in another, the organisation's mean and the first
department's row give the single person's score. This module decides what may be published
so that no linear combination of published figures gives a figure about fewer people than
the organisation's threshold `k` (`Organization.anonymity_threshold`, default 5).

The rules
---------
1. Primary suppression. A group with fewer than `k` people gets no figure at all: no
   count, no sum, no mean, no share. A group with 0 people is treated the same way.
2. The total is always assumed known. Over the population of a partition (every person in
   exactly one group) the total is shown on the page as the headline, or can be rebuilt
   from another breakdown of the same people, so complementary suppression never relies
   on hiding it. It is published when it covers at least `k` people.
3. Complementary suppression. When a partition has suppressed groups, the total minus
   the published groups gives the sum over the suppressed ones (the "residual"). So
   further groups are suppressed, smallest first, until the residual covers at least `k`
   people. The residual then holds at least two groups with people in them, so no single
   suppressed group can be isolated, and what can be derived (the residual itself) is a
   figure about `k` or more people. If the whole population is under `k`, everything,
   the total included, is suppressed.
4. One pattern for every measure. A group is suppressed or published as a whole (count
   and every sum together), so the same subtraction argument holds for counts, sums,
   means and shares, and for measures that are linear in one another (the overall score
   is the mean of the competency scores).
5. Filtered views (`Release.view`). A view over a selection of groups (a department
   filter, a manager's departments) is published only if it contains all the suppressed
   groups of the partition or none of them, and has at least `k` people. Then every
   published row treats the suppressed groups alike, so subtraction can only ever give
   the residual (rule 3), whatever filters a viewer combines.
6. Nested populations (`protect_nested`). Filters that do not follow the partition (for
   example "everyone" and "everyone who finished the course") give populations one inside
   the other: their difference is a group too, so a population whose difference from a
   published larger one is between 1 and `k - 1` people is suppressed.
7. Series (`protect_series`). Each period of a trend is its own partition with its own
   total; its figures come from that period's people only. Cumulative series ("up to
   March", "up to June") are nested populations: use rule 6.
8. Managers. A manager's scope (the departments they oversee) is itself a population:
   pass only the groups inside the scope, and rules 1-7 hold within it, so the scope's
   total cannot be used to recover one of its suppressed departments either.

Using it
--------
Build one `Group` per cell of a partition, with its person count and the sums of the
per-person values you want to show, and call `protect(groups, threshold=k)`. Show only
what the returned `Release` holds: `release.total` and `release.cells`, each a `Cell`
whose `suppressed` / `reason` say why a figure is missing. `docs/privacy.md` has examples.

9. Several breakdowns of the same people (`protect_crossed`). Department rows and track
   rows over the same people can be combined: if Engineering-track people are Support
   plus one person from Sales, the Engineering row minus the Support row is that person.
   Rules 1-3 are applied to each breakdown, then the publication is audited by linear
   algebra over the cross cells (department x track, `privacy.audit`): while some set of
   fewer than `k` people, or some suppressed cell, can be worked out, the smallest
   published cell of a later breakdown is withheld as well. The first breakdown and the
   total alone are always safe (rules 1-3), so this ends, at worst with the later
   breakdowns fully withheld; the same happens when the audit would be too large.

What counts as a group: people singled out by who they are (department, track, tenure,
period), the attributes a viewer may know about a colleague. Counts by result (how many
people reached each level, each segment) are sums of 0/1 values over such a group, i.e.
figures of the group, and follow its suppression.

What it does not cover: figures that are not sums over people (a median, a maximum, a
correlation) are published only over a whole population of at least `k` people and must
not be combined with a breakdown of it; and figures seen by different people (an
executive's organisation view and a manager's scope) are protected for each viewer, not
against two viewers pooling what they see.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Cell",
    "Group",
    "Reason",
    "Release",
    "protect",
    "protect_crossed",
    "protect_nested",
    "protect_population",
    "protect_series",
    "threshold_for",
]


class Reason(enum.StrEnum):
    """Why a figure is missing; `message(k)` is the sentence the pages show."""

    PRIMARY = "primary"
    COMPLEMENTARY = "complementary"
    FILTER = "filter"
    DIFFERENCE = "difference"
    CROSS = "cross"

    def message(self, threshold: int) -> str:
        return {
            Reason.PRIMARY: f"fewer than {threshold} people",
            Reason.COMPLEMENTARY: (
                "withheld so that a smaller group cannot be worked out by subtraction"
            ),
            Reason.FILTER: "this selection would single out a suppressed group",
            Reason.DIFFERENCE: (f"differs from a published group by fewer than {threshold} people"),
            Reason.CROSS: (
                "withheld so that it cannot be combined with another breakdown to single"
                " out a smaller group"
            ),
        }[self]


@dataclass(frozen=True)
class Group:
    """One group of people as computed: its size and the sums of per-person values.

    `sums` maps a measure name to the sum over the group's people (for a count of people
    with some property, the sum of a 0/1 value). Means and shares are derived from it.
    """

    key: Hashable
    count: int
    sums: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"group {self.key!r}: count must be a whole number >= 0")


@dataclass(frozen=True)
class Cell:
    """What may be shown for one group: its figures, or none and the reason."""

    key: Hashable
    count: int | None
    sums: Mapping[str, float]
    reason: Reason | None = None
    threshold: int = 0

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def why(self) -> str:
        """The sentence to show in place of the figures ('' when published)."""
        return "" if self.reason is None else self.reason.message(self.threshold)

    def sum(self, measure: str) -> float | None:
        return None if self.suppressed else float(self.sums.get(measure, 0.0))

    def mean(self, measure: str) -> float | None:
        """The mean of a measure over the group (a share for a 0/1 measure)."""
        if self.suppressed or not self.count:
            return None
        return float(self.sums.get(measure, 0.0)) / self.count


def _published(group: Group, threshold: int) -> Cell:
    return Cell(group.key, group.count, dict(group.sums), None, threshold)


def _withheld(key: Hashable, reason: Reason, threshold: int) -> Cell:
    return Cell(key, None, {}, reason, threshold)


def _check_threshold(threshold: int) -> None:
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError("the threshold must be a whole number >= 1")


def _combine(key: Hashable, groups: Iterable[Group]) -> Group:
    count, sums = 0, {}
    for group in groups:
        count += group.count
        for measure, value in group.sums.items():
            sums[measure] = sums.get(measure, 0.0) + value
    return Group(key, count, sums)


@dataclass(frozen=True)
class Release:
    """A partition after suppression: the only object a view, CSV or serializer reads."""

    threshold: int
    cells: tuple[Cell, ...]
    total: Cell
    # The raw groups stay private (templates cannot read names starting with "_"): they are
    # needed only to compute filtered views, which `view` checks before it returns them.
    _groups: Mapping[Hashable, Group] = field(repr=False, compare=False, default_factory=dict)
    # Filters are audited against one partition only (rule 5), not across breakdowns.
    _filterable: bool = field(repr=False, compare=False, default=True)

    def __getitem__(self, key: Hashable) -> Cell:
        for cell in self.cells:
            if cell.key == key:
                return cell
        raise KeyError(key)

    @property
    def suppressed_keys(self) -> frozenset:
        return frozenset(cell.key for cell in self.cells if cell.suppressed)

    @property
    def published(self) -> list[Cell]:
        return [cell for cell in self.cells if not cell.suppressed]

    def view(self, keys: Iterable[Hashable], *, key: Hashable = "view") -> Cell:
        """The figures over a selection of groups (a filter), or a suppressed cell.

        Rule 5: the selection must hold all suppressed groups or none of them, else
        selection minus its published groups would isolate part of the residual.
        """
        if not self._filterable:
            raise ValueError("filters over several breakdowns side by side are not audited")
        selected = set(keys)
        unknown = selected - set(self._groups)
        if unknown:
            raise KeyError(f"not groups of this partition: {sorted(map(repr, unknown))}")
        combined = _combine(key, (self._groups[k] for k in selected))
        hidden = self.suppressed_keys
        if combined.count < self.threshold:
            return _withheld(key, Reason.PRIMARY, self.threshold)
        if hidden & selected and not hidden <= selected:
            return _withheld(key, Reason.FILTER, self.threshold)
        return _published(combined, self.threshold)


def protect(groups: Sequence[Group], *, threshold: int) -> Release:
    """Apply rules 1-4 to one partition (every person in exactly one group).

    The total is computed here from the groups, so it always matches them.
    """
    _check_threshold(threshold)
    by_key: dict[Hashable, Group] = {}
    for group in groups:
        if group.key in by_key:
            raise ValueError(f"group {group.key!r} appears twice in one partition")
        by_key[group.key] = group
    total = _combine("total", groups)

    primary = {g.key for g in groups if g.count < threshold}
    complementary: set[Hashable] = set()
    residual = sum(by_key[k].count for k in primary)
    # Rule 3: grow the residual, smallest published group first, until subtracting the
    # published groups from the total gives a figure over at least `threshold` people.
    # Ties go to the group listed first, so the choice is stable between requests.
    order = {g.key: i for i, g in enumerate(groups)}
    candidates = sorted(
        (g for g in groups if g.key not in primary), key=lambda g: (g.count, order[g.key])
    )
    while primary and residual < threshold and candidates:
        chosen = candidates.pop(0)
        complementary.add(chosen.key)
        residual += chosen.count

    cells = []
    for group in groups:
        if group.key in primary:
            cells.append(_withheld(group.key, Reason.PRIMARY, threshold))
        elif group.key in complementary:
            cells.append(_withheld(group.key, Reason.COMPLEMENTARY, threshold))
        else:
            cells.append(_published(group, threshold))
    total_cell = (
        _withheld("total", Reason.PRIMARY, threshold)
        if total.count < threshold
        else _published(total, threshold)
    )
    return Release(threshold, tuple(cells), total_cell, by_key)


def protect_population(
    count: int, sums: Mapping[str, float] | None = None, *, threshold: int, key: Hashable = "total"
) -> Cell:
    """One population with no breakdown shown beside it (rule 1 only).

    Use it only for a population that no published partition subdivides; otherwise
    publish it as the `total` of `protect`.
    """
    _check_threshold(threshold)
    group = Group(key, count, dict(sums or {}))
    if count < threshold:
        return _withheld(key, Reason.PRIMARY, threshold)
    return _published(group, threshold)


def protect_series(
    periods: Mapping[Hashable, Sequence[Group]], *, threshold: int
) -> dict[Hashable, Release]:
    """Rule 7: a trend, each period protected as its own partition."""
    return {period: protect(groups, threshold=threshold) for period, groups in periods.items()}


def protect_nested(populations: Sequence[Group], *, threshold: int) -> list[Cell]:
    """Rule 6: populations each inside the one before it (broadest first).

    A population is published when it has at least `k` people and differs from every
    published population by 0 or at least `k` people (the difference of two nested
    populations is the figure of the people between them).
    """
    _check_threshold(threshold)
    for outer, inner in itertools.pairwise(populations):
        if inner.count > outer.count:
            raise ValueError("nested populations must be listed broadest first")
    cells: list[Cell] = []
    published: list[Group] = []
    for population in populations:
        if population.count < threshold:
            cells.append(_withheld(population.key, Reason.PRIMARY, threshold))
        elif any(0 < p.count - population.count < threshold for p in published):
            cells.append(_withheld(population.key, Reason.DIFFERENCE, threshold))
        else:
            published.append(population)
            cells.append(_published(population, threshold))
    return cells


def protect_crossed(atoms: Sequence[Group], *, threshold: int) -> tuple[Release, ...]:
    """Rule 9: several breakdowns of the same people, published side by side.

    Each atom is one cross cell: its key is a tuple with one key per breakdown (e.g.
    `(department_id, track)`), its count and sums those of the people in that cell. Returns
    one `Release` per breakdown, in the order of the key's components; all share the same
    total. The first breakdown keeps rules 1-3 only; later ones lose cells as needed.
    """
    from privacy import audit  # numpy, needed only here

    _check_threshold(threshold)
    atoms = list(atoms)
    if not atoms:
        return ()
    width = len(atoms[0].key)
    if any(not isinstance(a.key, tuple) or len(a.key) != width for a in atoms):
        raise ValueError("every atom's key must be a tuple with one key per breakdown")
    if len({a.key for a in atoms}) != len(atoms):
        raise ValueError("an atom appears twice")
    members: list[dict[Hashable, list[int]]] = [{} for _ in range(width)]
    for index, atom in enumerate(atoms):
        for part, key in enumerate(atom.key):
            members[part].setdefault(key, []).append(index)
    releases = [
        protect(
            [_combine(key, (atoms[i] for i in indices)) for key, indices in part.items()],
            threshold=threshold,
        )
        for part in members
    ]
    sizes = [atom.count for atom in atoms]
    withheld: list[set[Hashable]] = [set() for _ in range(width)]

    def hidden(part: int, cell: Cell) -> bool:
        return cell.suppressed or cell.key in withheld[part]

    while True:
        candidates = sorted(
            (release._groups[cell.key].count, part, position, cell.key)
            for part, release in enumerate(releases)
            if part > 0
            for position, cell in enumerate(release.cells)
            if not hidden(part, cell)
        )
        if not candidates:
            break  # the first breakdown and the total alone: rules 1-3 hold
        published: list[Sequence[int]] = [
            members[part][cell.key]
            for part, release in enumerate(releases)
            for cell in release.cells
            if not hidden(part, cell)
        ]
        if not releases[0].total.suppressed:
            published.append(range(len(atoms)))
        protected = [
            members[part][cell.key]
            for part, release in enumerate(releases)
            for cell in release.cells
            if hidden(part, cell) and release._groups[cell.key].count
        ]
        try:
            found = audit.leaks(published, sizes, threshold, protected)
        except audit.TooManyCombinations:
            # Too large to vouch for: keep only the first breakdown, which is safe.
            for _, part, _, key in candidates:
                withheld[part].add(key)
            break
        if not found:
            break
        _, part, _, key = candidates[0]
        withheld[part].add(key)

    out = []
    for part, release in enumerate(releases):
        cells = tuple(
            _withheld(cell.key, Reason.CROSS, threshold) if cell.key in withheld[part] else cell
            for cell in release.cells
        )
        out.append(Release(threshold, cells, release.total, release._groups, False))
    return tuple(out)


def threshold_for(organization: Any) -> int:
    """The organisation's anonymity threshold (the one number every rule above uses)."""
    return int(organization.anonymity_threshold)
