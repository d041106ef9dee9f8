"""Mutants mutmut 3 does not make: module-level constants (numbers +-1, texts changed).

mutmut 3 mutates inside functions only; the standard's figures live in module constants
(Table A.1's maxima and names, the star thresholds, limits). Each mutant here is the module
with one literal of one module-level assignment changed, run against the focused tests.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

Mutant = tuple[int, int, int, str]  # line, start column, end column, replacement text


def constant_mutants(source: str) -> Iterator[tuple[str, Mutant]]:
    """Yield (name, mutant) for every int and str literal of the module-level assignments."""
    for statement in ast.parse(source).body:
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
            continue
        for node in ast.walk(statement.value):
            if not isinstance(node, ast.Constant) or node.lineno != node.end_lineno:
                continue
            at = (node.lineno, node.col_offset, node.end_col_offset or node.col_offset)
            if type(node.value) is int:
                for delta in (1, -1):
                    new = str(node.value + delta)
                    yield f"L{node.lineno}:{node.value}->{new}", (*at, new)
            elif type(node.value) is str and node.value:
                new = repr("XX" + node.value + "XX")
                yield f"L{node.lineno}:{node.value!r}->XX..XX", (*at, new)


def apply(source: str, mutant: Mutant) -> str:
    """Return the source with one literal replaced."""
    line, start, end, text = mutant
    lines = source.splitlines(keepends=True)
    raw = lines[line - 1].encode()
    lines[line - 1] = (raw[:start] + text.encode() + raw[end:]).decode()
    return "".join(lines)


def run_constants(folder: Path, path: str, tests: list[str], args: list[str],
                  env: dict[str, str]) -> tuple[int, list[str]]:
    """Return (killed, surviving names) of the constant mutants of one module in a copy."""
    target = folder / path
    original = target.read_text("utf-8")
    killed, survivors = 0, []
    try:
        for name, mutant in constant_mutants(original):
            target.write_text(apply(original, mutant), "utf-8")
            done = subprocess.run(["nice", "-n", "19", sys.executable, "-m", "pytest", *args,
                                   *tests], cwd=folder, env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  check=False, timeout=900)
            if done.returncode == 0:
                survivors.append(f"const {path} {name}")
            else:
                killed += 1
    finally:
        target.write_text(original, "utf-8")
    return killed, survivors


if __name__ == "__main__":  # list a module's constant mutants
    for found, _ in constant_mutants(Path(sys.argv[1]).read_text("utf-8")):
        print(found)
