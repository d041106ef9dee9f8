"""UI strings by area, each module a STRINGS dict of key -> (Chinese, English); merged by i18n."""

from __future__ import annotations

import importlib

# One line per area module; each area adds its own module here so that areas never edit
# the same lines of surveys/i18n.py.
AREAS: tuple[str, ...] = ("reachA", "cli", "reachB", "paper", "sessions")


def area_strings() -> dict[str, tuple[str, str]]:
    """Return every area's strings merged; a key defined twice raises ValueError."""
    merged: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        strings: dict[str, tuple[str, str]] = importlib.import_module(
            f"surveys.strings.{area}").STRINGS
        duplicate = merged.keys() & strings.keys()
        if duplicate:
            raise ValueError(f"UI string keys defined twice: {sorted(duplicate)}")
        merged.update(strings)
    return merged
