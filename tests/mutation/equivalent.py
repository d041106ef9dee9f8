"""Surviving mutants that are equivalent to the original code, with the reason for each.

Keys are mutmut's mutant names (`mutmut show NAME` in .mutation/<module>/ prints the diff).
"""

from __future__ import annotations

EQUIVALENT: dict[str, dict[str, str]] = {}
