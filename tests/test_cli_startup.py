"""The CLI is an interface outside the domain, and it starts without loading the heavy stack."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("fpdf", "sqlmodel", "sqlalchemy", "pandas", "analytics", "openpyxl", "streamlit",
         "alembic", "qrcode", "PIL")
PROBE = """
import json, sys
sys.argv = ["star-survey"] + ARGS
from cli.main import main
try:
    main()
except SystemExit:
    pass
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
print("LOADED=" + json.dumps(loaded))
"""


def _loaded_by(*args: str) -> list[str]:
    """Return the heavy top-level packages a fresh interpreter imported to run the CLI."""
    code = PROBE.replace("ARGS", repr(list(args))).replace("HEAVY", repr(HEAVY))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    line = [x for x in done.stdout.splitlines() if x.startswith("LOADED=")]
    assert line, done.stderr
    return list(json.loads(line[-1].removeprefix("LOADED=")))


@pytest.mark.parametrize("args", [("--help",), ("campaign", "--help"), ("user", "--help"),
                                  ("report", "--help"), ()])
def test_help_loads_no_heavy_module(args: tuple[str, ...]) -> None:
    assert _loaded_by(*args) == []


MODULES_PROBE = """
import json, runpy, sys
sys.argv = ["star-survey"] + ARGS
try:
    runpy.run_module("cli", run_name="__main__")
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> set[str]:
    """Return sys.modules after `python -m cli ARGS` ran in a fresh interpreter."""
    code = MODULES_PROBE.replace("ARGS", repr(list(args)))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES=")]
    assert line, done.stderr
    return set(json.loads(line[-1].removeprefix("MODULES=")))


def test_python_dash_m_cli_help_imports_no_database_pdf_or_excel_module() -> None:
    loaded = {name.split(".")[0] for name in _modules_after("--help")}
    assert not loaded & {"sqlmodel", "sqlalchemy", "fpdf", "openpyxl", "pandas", "analytics"}


@pytest.mark.parametrize(("args", "modules"), [
    (("--help",), set()),
    ((), set()),
    (("link", "--help"), {"link"}),
    (("campaign", "open", "--help"), {"campaign"}),
    (("report", "--help"), {"reporting"}),
])
def test_command_modules_are_imported_only_when_their_command_runs(
    args: tuple[str, ...], modules: set[str]
) -> None:
    loaded = {name.split(".")[2] for name in _modules_after(*args)
              if name.startswith("cli.commands.")} - {"common"}
    assert loaded == modules


def test_the_lazy_command_table_matches_what_the_modules_register() -> None:
    import importlib

    import typer
    from typer.main import get_group

    from cli.main import COMMANDS

    registered: dict[str, tuple[str, str]] = {}
    for module in sorted({module for module, _help in COMMANDS.values()}):
        holder = typer.Typer()
        importlib.import_module(f"cli.commands.{module}").register(holder)
        for name, command in get_group(holder).commands.items():
            registered[name] = (module, (command.help or "").strip().splitlines()[0])
    assert registered == COMMANDS


def test_python_dash_m_cli_prints_help() -> None:
    done = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    for command in ("init", "serve", "links", "qr", "export", "verify", "report", "backup"):
        assert command in done.stdout


def _imports(path: Path) -> set[str]:
    """Return every module a file imports, at top level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", ["surveys", "analytics"])
def test_domain_never_imports_an_interface(package: str) -> None:
    offending = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in {"cli", "pages", "streamlit", "survey_app"}
        or (package == "surveys" and name.split(".")[0] == "analytics")
    }
    assert not offending


def test_no_import_circle_between_pages() -> None:
    graph = {path.stem: {name.split(".")[1] for name in _imports(path)
                         if name.startswith("pages.")}
             for path in (ROOT / "pages").glob("*.py")}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()):
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    assert sorted(page for page in graph if reaches(page, page, {page})) == []


def test_no_module_left_in_the_old_place() -> None:
    assert not (ROOT / "surveys" / "cli.py").exists()
    assert not (ROOT / "surveys" / "cli_commands").exists()
