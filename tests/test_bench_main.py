"""The bench runner rewrites only the table between its markers in docs/performance.md."""

from __future__ import annotations

import pytest

from bench.__main__ import END, START, with_table


def test_the_findings_around_the_table_are_kept() -> None:
    document = f"# Performance\n\nintro\n\n{START}old table\n{END}\n## Findings\n\nkept\n"
    new = with_table(document, "| new |")
    assert new.startswith(f"# Performance\n\nintro\n\n{START}Measured by `make bench` on ")
    assert "old table" not in new and "| new |\n" + END in new
    assert new.endswith(f"{END}\n## Findings\n\nkept\n")


def test_a_document_without_markers_is_refused() -> None:
    with pytest.raises(SystemExit, match="markers"):
        with_table("# Performance\n\nno markers\n", "| new |")


def test_the_real_document_has_its_markers() -> None:
    from bench.__main__ import OUT

    assert START in OUT.read_text() and END in OUT.read_text()
