"""Item statistics, so admins can retire bad items.

- difficulty: the mean item score (0..1; near 0 is very hard, near 1 very easy);
- discrimination: the corrected item-total correlation - Pearson's r between the item and
  the sum of the other items of its competency across respondents;
- Cronbach's alpha per competency: k/(k-1) x (1 - sum of item variances / variance of the
  total), with sample variances.

Flags: difficulty below 0.1 or above 0.95, or discrimination below 0.2.
"""

from dataclasses import dataclass

import numpy as np

TOO_HARD, TOO_EASY, LOW_DISCRIMINATION = 0.1, 0.95, 0.2


def cronbach_alpha(matrix: np.ndarray) -> float | None:
    """`matrix`: respondents x items of one competency (complete rows only)."""
    respondents, k = matrix.shape
    if k < 2 or respondents < 2:
        return None
    item_variances = matrix.var(axis=0, ddof=1).sum()
    total_variance = matrix.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def corrected_item_total(matrix: np.ndarray) -> list[float | None]:
    totals = matrix.sum(axis=1)
    out: list[float | None] = []
    for column in range(matrix.shape[1]):
        item = matrix[:, column]
        rest = totals - item
        if item.std() == 0 or rest.std() == 0:
            out.append(None)
        else:
            out.append(float(np.corrcoef(item, rest)[0, 1]))
    return out


def flags_for(difficulty: float, discrimination: float | None) -> list[str]:
    flags = []
    if difficulty < TOO_HARD:
        flags.append("too hard")
    if difficulty > TOO_EASY:
        flags.append("too easy")
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append("low discrimination")
    return flags


@dataclass(frozen=True)
class ItemStat:
    item: str
    difficulty: float
    discrimination: float | None
    flags: list[str]


def item_statistics(matrix: np.ndarray, items: list[str]) -> tuple[list[ItemStat], float | None]:
    """Per-item statistics and the competency's alpha, from a respondents x items matrix."""
    difficulties = matrix.mean(axis=0)
    discriminations = corrected_item_total(matrix)
    stats = []
    for key, difficulty, discrimination in zip(items, difficulties, discriminations, strict=True):
        stats.append(
            ItemStat(key, float(difficulty), discrimination, flags_for(difficulty, discrimination))
        )
    return stats, cronbach_alpha(matrix)
