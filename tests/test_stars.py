"""Star level by score: exact comparison, bounds included."""

from __future__ import annotations

from fractions import Fraction

import pytest

from analytics.stars import exact_mean, points_to_next, star_by_mean


@pytest.mark.parametrize(("totals", "star"), [
    ([85, 85, 84], 0),   # 84.67
    ([85, 85, 85], 1),   # exactly 85
    ([90, 90, 89], 1),   # 89.67
    ([90, 90, 90], 2),
    ([95, 95, 94], 2),   # 94.67
    ([95, 95, 95], 3),
    ([100], 3),
    ([0], 0),
    ([94, 96], 3),       # 95 exactly
    ([85, 84, 86], 1),
])
def test_star_by_mean_of_totals(totals: list[int], star: int) -> None:
    assert star_by_mean(exact_mean(sum(totals), len(totals))) == star


def test_no_responses_mean_no_star() -> None:
    assert exact_mean(None, 0) is None
    assert star_by_mean(None) == 0


def test_unrounded_comparison_does_not_round_up() -> None:
    # 84.995 would round to 85.00 but must not earn a star.
    assert star_by_mean(Fraction(84995, 1000)) == 0


@pytest.mark.parametrize(("mean", "missing"), [
    (Fraction(254, 3), Fraction(1, 3)), (Fraction(85), Fraction(5)), (Fraction(95), None),
    (None, Fraction(85)),
])
def test_points_to_next_level(mean: Fraction | None, missing: Fraction | None) -> None:
    assert points_to_next(mean) == missing


@pytest.mark.parametrize(("total_sum", "count"), [(None, 3), (255, 0), (None, 0), (0, 0)])
def test_no_mean_without_totals_or_forms(total_sum: int | None, count: int) -> None:
    assert exact_mean(total_sum, count) is None


def test_the_mean_is_exact() -> None:
    assert exact_mean(256, 3) == Fraction(256, 3)
    assert exact_mean(0, 2) == Fraction(0)
