"""The repository itself: no merge leftovers in any tracked text file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)


def tracked_text_files() -> list[Path]:
    """Return the files git tracks, or skip when this is not a git checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout")
    files = [ROOT / name for name in listed.decode().split("\0") if name]
    return [f for f in files if f.suffix in {".py", ".md", ".toml", ".cfg", ".conf", ".txt", ""}
            and f.is_file()]


def test_no_merge_conflict_markers() -> None:
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
             for path in tracked_text_files()
             for text in [path.read_text(errors="replace")]
             for m in MARKER.finditer(text)]
    assert found == []
