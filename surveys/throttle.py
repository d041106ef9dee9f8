"""Slowing down repeated bad link tokens: pure logic over failure times, with an injected clock."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

FREE_FAILURES = 3        # this many bad links cost nothing (typos, an old card)
BASE_DELAY = 1.0         # then 1, 2, 4, ... seconds before each further lookup
MAX_DELAY = 8.0
LOCK_AFTER = 12          # failures within the window after which lookups are refused
WINDOW_SECONDS = 900.0   # failures older than this are forgotten
MAX_KEYS = 10_000        # memory bound: the oldest keys are dropped first


@dataclass(frozen=True)
class Verdict:
    """What to do before looking up a token: refuse outright, or wait this many seconds."""

    refuse: bool
    wait: float
    retry_after: float = 0.0


def delay_for(failures: int) -> float:
    """Return the wait in seconds before the next lookup after this many recent failures."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2 ** (failures - FREE_FAILURES))


def recent(failures: list[float], now: float) -> list[float]:
    """Return the failure times that are still inside the window."""
    return [moment for moment in failures if now - moment < WINDOW_SECONDS]


def verdict_for(failures: list[float], now: float) -> Verdict:
    """Return the verdict for a key with these failure times."""
    live = recent(failures, now)
    if len(live) >= LOCK_AFTER:
        return Verdict(refuse=True, wait=0.0,
                       retry_after=max(0.0, WINDOW_SECONDS - (now - live[-LOCK_AFTER])))
    return Verdict(refuse=False, wait=delay_for(len(live)))


class Throttle:
    """Failure times per key (a browser session or address); thread-safe, bounded in memory."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def check(self, key: str, now: float) -> Verdict:
        """Return whether a lookup for key is refused, or how long it must wait first."""
        with self._lock:
            return verdict_for(self._failures.get(key, []), now)

    def record_failure(self, key: str, now: float) -> int:
        """Return the number of recent failures of key after adding one at now."""
        with self._lock:
            live = recent(self._failures.pop(key, []), now) + [now]
            self._failures[key] = live[-LOCK_AFTER:]
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)
            return len(live)

    def failures(self, key: str, now: float) -> int:
        """Return the number of recent failures of key."""
        with self._lock:
            return len(recent(self._failures.get(key, []), now))
