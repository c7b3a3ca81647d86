"""The attacker's arithmetic, for publications that are not one partition and its total.

Every published count or sum is a set of "atoms" (the finest groups the published figures
split people into, e.g. department x track cells) added up. A set of atoms can be worked out
by adding and subtracting published figures exactly when its 0/1 vector lies in the row
space of the published sets, that is, when it is orthogonal to the null space of the
published rows. `leaks` searches every set of atoms that holds between 1 and k - 1 people
(only atoms under k can be in one, so the search is small in practice) plus any sets the
caller names, and returns those that can be worked out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

# Beyond this many candidate sets the search gives up and reports that it cannot vouch
# for the publication; callers then withhold more (`protect_crossed` keeps only the first
# breakdown).
SEARCH_LIMIT = 200_000


class TooManyCombinations(Exception):
    """The search for small derivable sets would exceed SEARCH_LIMIT."""


def _null_space(rows: Sequence[Collection[int]], width: int):
    import numpy as np  # only publications with several breakdowns need it

    if not rows:
        return np.eye(width)
    matrix = np.zeros((len(rows), width))
    for i, atoms in enumerate(rows):
        matrix[i, list(atoms)] = 1.0
    _, singular, vt = np.linalg.svd(matrix)
    tolerance = max(matrix.shape) * np.finfo(float).eps * (singular[0] if len(singular) else 1)
    rank = int((singular > tolerance).sum())
    return vt[rank:].T  # width x (width - rank): a basis of what the rows cannot see


def leaks(
    published: Sequence[Collection[int]],
    sizes: Sequence[int],
    threshold: int,
    protected: Sequence[Collection[int]] = (),
) -> list[frozenset[int]]:
    """Sets of atoms whose figure follows from the published sets: every set with between
    1 and threshold - 1 people, and every set in `protected`. Atoms are 0..len(sizes)-1."""
    import numpy as np

    width = len(sizes)
    null = _null_space(published, width)
    if null.shape[1] == 0:  # everything is determined
        found = [frozenset([i]) for i in range(width) if 0 < sizes[i] < threshold]
        return found + [frozenset(p) for p in protected if p]
    scale = 1e-7

    def determined(vector) -> bool:
        return bool(np.abs(vector).max() < scale)

    found: list[frozenset[int]] = []
    for atoms in protected:
        if atoms and determined(null[list(atoms)].sum(axis=0)):
            found.append(frozenset(atoms))
    small = [i for i in range(width) if 0 < sizes[i] < threshold]
    budget = [SEARCH_LIMIT]

    def search(start: int, chosen: list[int], people: int, partial) -> None:
        for position in range(start, len(small)):
            atom = small[position]
            total = people + sizes[atom]
            if total >= threshold:
                continue
            budget[0] -= 1
            if budget[0] < 0:
                raise TooManyCombinations
            vector = partial + null[atom]
            if determined(vector):
                found.append(frozenset([*chosen, atom]))
            search(position + 1, [*chosen, atom], total, vector)

    search(0, [], 0, np.zeros(null.shape[1]))
    return found
