"""The attacker's arithmetic: what can be worked out from published figures by adding and
subtracting them (any linear combination).

Each published count or sum is a row over the unknown per-group values (a 0/1 vector: the
groups it adds up); a group's figure, or any set of groups' combined figure, can be worked
out exactly when its 0/1 vector lies in the row space of the published rows. The rank test
says whether it does: adding a vector that is already in the row space leaves the rank
unchanged.
"""

from itertools import combinations

import numpy as np


def rank(rows: list[np.ndarray], width: int) -> int:
    if not rows:
        return 0
    return int(np.linalg.matrix_rank(np.vstack(rows).astype(float)))


def derivable(rows: list[np.ndarray], target: np.ndarray) -> bool:
    """True when `target` is a linear combination of `rows`."""
    width = len(target)
    return rank([*rows, target], width) == rank(rows, width)


def unit(width: int, index: int) -> np.ndarray:
    vector = np.zeros(width)
    vector[index] = 1.0
    return vector


def indicator(width: int, indices) -> np.ndarray:
    vector = np.zeros(width)
    vector[list(indices)] = 1.0
    return vector


def small_derivable_sets(
    rows: list[np.ndarray], sizes: list[int], threshold: int
) -> list[tuple[int, ...]]:
    """Every set of groups with between 1 and threshold - 1 people whose combined figure
    can be worked out: each one is a leak. Exhaustive over the sets that could be small
    (groups that alone reach the threshold can never be in one)."""
    width = len(sizes)
    small = [i for i in range(width) if sizes[i] < threshold]
    leaks = []
    for r in range(1, len(small) + 1):
        for chosen in combinations(small, r):
            people = sum(sizes[i] for i in chosen)
            if 0 < people < threshold and derivable(rows, indicator(width, chosen)):
                leaks.append(chosen)
    return leaks
