"""Benchmarks (`make bench`): each bench_*.py module exposes run() -> list[Row]."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """One measured figure and the baseline it is compared with, measured in the same run."""

    benchmark: str
    case: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Return baseline / value for times (how many times faster), value / baseline for rates."""
        if not self.baseline or not self.value:
            return None
        if self.unit.endswith("/s"):
            return self.value / self.baseline
        return self.baseline / self.value
