"""Star level supported by the year's mean evaluation score (§5: >= 85 / 90 / 95, bound included)."""

from __future__ import annotations

from fractions import Fraction

# (star, minimum mean total) from the highest level down.
SCORE_THRESHOLDS: tuple[tuple[int, int], ...] = ((3, 95), (2, 90), (1, 85))


def star_by_mean(mean: Fraction | None) -> int:
    """Return 0-3: the highest star whose threshold the exact mean reaches (None gives 0)."""
    if mean is None:
        return 0
    for star, threshold in SCORE_THRESHOLDS:
        if mean >= threshold:
            return star
    return 0


def exact_mean(total_sum: int | None, count: int) -> Fraction | None:
    """Return the exact mean of count totals summing to total_sum, or None for no totals."""
    if not count or total_sum is None:
        return None
    return Fraction(int(total_sum), int(count))


def points_to_next(mean: Fraction | None) -> Fraction | None:
    """Return how many points the mean lacks for the next star level (None at three stars)."""
    current = star_by_mean(mean)
    for star, threshold in reversed(SCORE_THRESHOLDS):
        if star == current + 1:
            return Fraction(threshold) - (mean if mean is not None else Fraction(0))
    return None
