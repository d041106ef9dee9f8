"""The bad-token throttle: free attempts, growing delays, refusal, forgetting, memory bound."""

from __future__ import annotations

import pytest

from surveys.throttle import (
    FREE_FAILURES,
    LOCK_AFTER,
    MAX_DELAY,
    WINDOW_SECONDS,
    Throttle,
    delay_for,
    verdict_for,
)


@pytest.mark.parametrize(("failures", "delay"), [
    (0, 0.0), (FREE_FAILURES - 1, 0.0), (FREE_FAILURES, 1.0), (FREE_FAILURES + 1, 2.0),
    (FREE_FAILURES + 2, 4.0), (FREE_FAILURES + 3, MAX_DELAY), (FREE_FAILURES + 30, MAX_DELAY),
])
def test_delay_grows_then_caps(failures: int, delay: float) -> None:
    assert delay_for(failures) == delay


@pytest.mark.parametrize(("count", "refuse"), [
    (LOCK_AFTER - 1, False), (LOCK_AFTER, True), (LOCK_AFTER + 5, True),
])
def test_refusal_boundary(count: int, refuse: bool) -> None:
    verdict = verdict_for([100.0] * count, 100.0)
    assert verdict.refuse is refuse
    assert verdict.retry_after == (WINDOW_SECONDS if refuse else 0.0)


@pytest.mark.parametrize(("age", "counted"), [
    (0.0, True), (WINDOW_SECONDS - 1, True), (WINDOW_SECONDS, False), (WINDOW_SECONDS * 3, False),
])
def test_window_boundary(age: float, counted: bool) -> None:
    throttle = Throttle()
    throttle.record_failure("k", 1000.0)
    assert throttle.failures("k", 1000.0 + age) == (1 if counted else 0)


def test_keys_are_independent_and_lockout_expires() -> None:
    throttle = Throttle()
    for second in range(LOCK_AFTER):
        assert not throttle.check("a", float(second)).refuse
        throttle.record_failure("a", float(second))
    assert throttle.check("a", float(LOCK_AFTER)).refuse
    assert throttle.check("b", float(LOCK_AFTER)) == verdict_for([], 0.0)
    assert not throttle.check("a", LOCK_AFTER + WINDOW_SECONDS).refuse


def test_wait_follows_recorded_failures() -> None:
    throttle = Throttle()
    waits = []
    for second in range(FREE_FAILURES + 2):
        waits.append(throttle.check("k", float(second)).wait)
        throttle.record_failure("k", float(second))
    assert waits == [0.0] * FREE_FAILURES + [1.0, 2.0]


def test_memory_is_bounded() -> None:
    throttle = Throttle(max_keys=3)
    for index in range(5):
        throttle.record_failure(f"k{index}", 1.0)
    assert [throttle.failures(f"k{i}", 1.0) for i in range(5)] == [0, 0, 1, 1, 1]
