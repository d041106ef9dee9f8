"""Run mutmut on each core module with its focused tests and print the kill table.

Usage: python -m tests.mutation.run [module ...] [--table] [--details] [--no-constants]
                                   [--constants-only]
(default: every module of MODULES)

Each module is mutated in its own scratch copy of the project (under .mutation/), so the
runs do not share mutmut's cache and the worktree is never touched. mutmut 3 mutates inside
functions; tests/mutation/constants.py adds the module-level constants (numbers +-1, texts).
Results are kept in .mutation/<module>.json and <module>.constants.json; `--table` prints the
table from those files without running anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.mutation.constants import run_constants
from tests.mutation.equivalent import EQUIVALENT

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
CACHE = WORK / "bundle-cache"
COPIED = ("surveys", "analytics", "tests", "migrations")
PYTEST_ARGS = ["-p", "no:randomly", "-p", "no:cacheprovider", "-m", "not postgres and not browser",
               "-x", "-q"]

# module -> the tests that pin it (kept small: the run is one test selection per mutant).
MODULES: dict[str, tuple[str, list[str]]] = {
    "stars": ("analytics/stars.py", ["tests/test_stars.py", "tests/test_standard_literals.py"]),
    "access": ("surveys/access.py", ["tests/test_permissions.py"]),
    "tokens": ("surveys/tokens.py", ["tests/test_tokens.py"]),
    "form_a1": ("surveys/form_a1.py", ["tests/test_form_a1.py", "tests/test_standard_literals.py"]),
    "signature": ("surveys/signature.py", ["tests/test_signature.py"]),
    "records": ("surveys/records.py", ["tests/test_records.py",
                                       "tests/test_assessor_verifier.py::"
                                       "test_records_reproduce_the_golden_vectors"]),
    "validation": ("surveys/validation.py", ["tests/test_validation.py",
                                             "tests/test_validation_bounds.py"]),
    "verify": ("surveys/verify.py", ["tests/test_verify_chain.py", *(
        f"tests/test_verify.py::{name}" for name in (
            "test_untouched_database_verifies", "test_tampering_is_detected_and_named",
            "test_a_malformed_record_is_named_and_the_rest_still_checked",
            "test_deleting_the_first_last_but_one_and_last_record",
            "test_an_unreadable_row_is_named_with_its_error_and_keeps_its_link",
            "test_providers_are_checked_in_order_and_one_can_be_chosen")), *(
        f"tests/test_insider_forgery.py::{name}" for name in (  # the anchors part
            "test_the_honest_chain_verifies_with_every_record_anchored",
            "test_a_rewrite_re_signed_with_the_providers_key_breaks_the_anchors",
            "test_a_back_dated_record_shows_as_anchored_late",
            "test_records_a_configured_tsa_never_covered_are_flagged"))]),
    "eligibility": ("analytics/eligibility.py", ["tests/test_eligibility.py"]),
    "bundle_verify": ("analytics/bundle_verify.py", [
        "tests/test_bundle_verify_checks.py", "tests/test_bundle_verify_parts.py",
        "tests/test_bundle_verify_pdf.py",
        "tests/test_bundle.py::test_untouched_bundle_verifies",
        "tests/test_bundle.py::test_tampered_bundle_fails_naming_it",
        "tests/test_bundle_claims.py::test_a_resigned_claim_that_its_data_do_not_support_fails"]),
}
# mutmut's wall bound per mutant is (estimated test time + 1 s) x this; with the machine shared,
# bundle_verify's page mutants that survive in 3 s were cut off at 5x and counted as timeouts.
TIMEOUT_MULTIPLIER = {"bundle_verify": 40.0}
# mutmut's exit codes (mutmut.stats.status_by_exit_code) that count as killed: a failing test,
# a timeout, a crash. "survived" (0), "no tests" (5, 33) and anything else count as not killed.
KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9}


def prepare(module: str) -> Path:
    """Return a fresh scratch copy of the project configured to mutate one module."""
    path, tests = MODULES[module]
    folder = WORK / module
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__", "artifacts", "mutation"))
    (folder / "tests" / "mutation").mkdir()
    (folder / "tests" / "mutation" / "__init__.py").write_text("")
    for name in ("alembic.ini",):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, folder / name)
    config = ROOT.joinpath("pyproject.toml").read_text("utf-8")
    config += "\n[tool.mutmut]\n" + "\n".join([
        'source_paths = ["surveys", "analytics"]',
        f"only_mutate = [{json.dumps(path)}]",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}",
        'also_copy = ["migrations", "alembic.ini"]',
        "use_git_change_detection = false",
        f"timeout_multiplier = {TIMEOUT_MULTIPLIER.get(module, 5.0)}",
    ]) + "\n"
    (folder / "pyproject.toml").write_text(config, "utf-8")
    return folder


def run_env() -> dict[str, str]:
    """Return the environment of the test runs: Beijing time, as `make test`'s second run.

    Real test bundles are built once and kept in .mutation/bundle-cache (tests/bundle_cache.py,
    keyed by the code that builds them), not rebuilt for every mutant.
    """
    return {**os.environ, "TZ": "Asia/Shanghai", "STAR_SURVEY_BUNDLE_CACHE": str(CACHE)}


def measure(module: str, children: int) -> dict[str, object]:
    """Run mutmut on one module and return its counts (and the surviving mutants' names)."""
    folder = prepare(module)
    mutmut = Path(sys.executable).with_name("mutmut")
    started = time.monotonic()
    subprocess.run(["nice", "-n", "19", str(mutmut), "run", "--max-children", str(children)],
                   cwd=folder, env=run_env(), check=False, stdout=subprocess.DEVNULL)
    statuses: dict[str, int] = {}
    for meta in (folder / "mutants").rglob("*.meta"):
        statuses.update(json.loads(meta.read_text())["exit_code_by_key"])
    survivors = sorted(k for k, v in statuses.items() if v not in KILLED and v is not None)
    result = {"module": module, "path": MODULES[module][0], "total": len(statuses),
              "killed": sum(1 for v in statuses.values() if v in KILLED), "survivors": survivors,
              "not_run": sorted(k for k, v in statuses.items() if v is None),
              "seconds": round(time.monotonic() - started)}
    WORK.joinpath(f"{module}.json").write_text(json.dumps(result, indent=1), "utf-8")
    return result


def measure_constants(module: str) -> dict[str, object]:
    """Run the module-level constant mutants of one module; return and keep the counts."""
    folder = WORK / module
    if not (folder / "pyproject.toml").exists():
        folder = prepare(module)
    else:  # the tests as they are now, not as they were when mutmut's copy was made
        shutil.rmtree(folder / "tests")
        shutil.copytree(ROOT / "tests", folder / "tests",
                        ignore=shutil.ignore_patterns("__pycache__", "artifacts"))
    path, tests = MODULES[module]
    started = time.monotonic()
    killed, survivors = run_constants(folder, path, tests, PYTEST_ARGS, run_env())
    result = {"module": module, "path": path, "total": killed + len(survivors),
              "killed": killed, "survivors": survivors,
              "seconds": round(time.monotonic() - started)}
    WORK.joinpath(f"{module}.constants.json").write_text(json.dumps(result, indent=1), "utf-8")
    return result


def combined(module: str) -> dict[str, object] | None:
    """Return the module's mutmut and constant results added up (None when never measured)."""
    parts = [json.loads(f.read_text("utf-8")) for f in (WORK / f"{module}.json",
                                                         WORK / f"{module}.constants.json")
             if f.exists()]
    if not parts:
        return None
    return {"module": module, "killed": sum(p["killed"] for p in parts),
            "survivors": [s for p in parts for s in p["survivors"]],
            "parts": len(parts)}


def row(result: dict[str, object]) -> str:
    """Return one table row: module, killed, survived, equivalent listed, % of the rest killed."""
    module = str(result["module"])
    survivors = list(result["survivors"])  # type: ignore[call-overload]
    listed = [s for s in survivors if s in EQUIVALENT.get(module, {})]
    killed = int(result["killed"])  # type: ignore[call-overload]
    live = len(survivors) - len(listed)
    share = 100.0 * killed / (killed + live) if killed + live else 100.0
    return f"| {module} | {killed} | {len(survivors)} | {len(listed)} | {share:.1f} % |"


def table(modules: list[str]) -> str:
    """Return the Markdown table of every module measured so far (unmeasured ones named)."""
    lines = ["| module | killed | survived | equivalent listed | killed of non-equivalent |",
             "|---|---|---|---|---|"]
    for module in modules:
        result = combined(module)
        if result is None:
            lines.append(f"| {module} | not measured | | | |")
        else:
            note = "" if result["parts"] == 2 else " (constants not run)"
            lines.append(row(result).replace(f"| {module} |", f"| {module}{note} |", 1))
    return "\n".join(lines)


def details(modules: list[str]) -> str:
    """Return Markdown: per module the two parts' counts and every survivor with its reason."""
    lines = []
    for module in modules:
        for suffix, what in (("", "mutmut"), (".constants", "constants")):
            saved = WORK / f"{module}{suffix}.json"
            if not saved.exists():
                continue
            result = json.loads(saved.read_text("utf-8"))
            lines.append(f"- `{module}` {what}: {result['killed']} killed of {result['total']}"
                         f" ({result['seconds']} s)")
            for survivor in result["survivors"]:
                reason = EQUIVALENT.get(module, {}).get(survivor)
                lines.append(f"  - `{survivor}`: " + (f"equivalent — {reason}" if reason
                                                      else "**not killed**"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Measure the modules named (all by default), then print the table."""
    names = [a for a in argv if not a.startswith("--")] or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print("unknown module(s):", ", ".join(unknown), "; known:", ", ".join(MODULES))
        return 2
    children = int(os.environ.get("MUTATION_CHILDREN", "2"))
    for name in names if "--table" not in argv else []:
        found = []
        if "--constants-only" not in argv:
            found.append(measure(name, children))
        if "--no-constants" not in argv:
            found.append(measure_constants(name))
        for result in found:
            print(row(result), f"({result['seconds']} s)", flush=True)
            for survivor in result["survivors"]:  # type: ignore[attr-defined]
                note = EQUIVALENT.get(name, {}).get(survivor)
                print("    survived:", survivor, f"(equivalent: {note})" if note else "",
                      flush=True)
    print(table(names))
    if "--details" in argv:
        print(details(names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
