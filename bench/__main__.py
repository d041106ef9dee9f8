"""Run every benchmark module (or those named on the command line) and write docs/performance.md."""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import Row

OUT = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
START, END = "<!-- bench table: start -->\n", "<!-- bench table: end -->\n"


def machine() -> str:
    """Return a one-line description of this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
            f"{mem:.0f} GiB RAM, Python {platform.python_version()}")


def table(rows: list[Row]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| benchmark | case | value | baseline | ratio | target | note |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        base = f"{r.baseline:.4g} {r.unit} ({r.baseline_label})" if r.baseline else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio else ""
        lines.append(f"| {r.benchmark} | {r.case} | {r.value:.4g} {r.unit} | {base} | {ratio} "
                     f"| {r.target} | {r.note} |")
    return "\n".join(lines)


def with_table(document: str, text: str) -> str:
    """Return document with the part between the bench markers replaced by a fresh table."""
    before, marker, rest = document.partition(START)
    if not marker or END not in rest:
        raise SystemExit(f"{OUT}: the bench table markers are missing")
    after = rest.split(END, 1)[1]
    return (before + START + f"Measured by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
            f"UTC.\n\nMachine: {machine()}\n\nRatios compare against a baseline measured in "
            "the same run.\n\n" + text + "\n" + END + after)


def main(names: list[str]) -> None:
    """Run the selected benchmark modules, print the table and write docs/performance.md."""
    import bench

    write = not names or "--write" in names  # --write: also write docs/ for a subset
    names = [n for n in names if n != "--write"]
    modules = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                     if m.name.startswith("bench_"))
    chosen = [m for m in modules if not names or any(n in m for n in names)]
    rows: list[Row] = []
    for name in chosen:
        print(f"running {name} ...", flush=True)
        rows += importlib.import_module(f"bench.{name}").run()
    text = table(rows)
    print(text)
    if write:
        OUT.write_text(with_table(OUT.read_text(), text))
        print(f"written {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
