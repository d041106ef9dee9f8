"""Benchmark (cli): `star-survey --help` and `star-survey report --json` as whole processes.

Each command is a fresh process, as a user runs it; the baseline is `python -c pass` measured
in the same run, so the figures say how much the CLI adds to a bare interpreter start.
Targets (issue 12): `--help` within 0.5 s of bare Python, a report under 1 s.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Row

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_CLI_RUNS", "9"))


def _command() -> list[str]:
    """Return `python -m cli` run from this checkout (what the `star-survey` script runs)."""
    return [sys.executable, "-m", "cli"]


def _median_seconds(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return the median (wall, CPU) seconds of RUNS runs of the process (each must succeed).

    CPU time (user + system of the child) does not grow when other work shares the machine.
    """
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"{args} failed: {done.stderr.decode(errors='replace')}")
    return statistics.median(walls), statistics.median(cpus)


def run() -> list[Row]:
    """Return the CLI's start-up figures against a bare interpreter."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {**os.environ, "STAR_SURVEY_DB": f"sqlite:///{tmp}/survey.db",
               "STAR_SURVEY_DATA_DIR": f"{tmp}/data", "STAR_SURVEY_PUBLIC_URL": "http://bench.test"}
        cli = _command()
        subprocess.run([*cli, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
        demo = json.loads(subprocess.run([*cli, "demo", "--json"], cwd=ROOT, env=env, check=True,
                                         capture_output=True).stdout)
        year = time.gmtime().tm_year
        bare = _median_seconds([sys.executable, "-c", "pass"], env)
        helped = _median_seconds([*cli, "--help"], env)
        report = _median_seconds([*cli, "report", "--provider", str(demo["provider_id"]),
                                  "--year", str(year), "--json"], env)
    label = "python -c pass"
    note = f"median of {RUNS} processes (python -m cli)"
    rows = []
    for case, (wall, cpu), target in (
            ("star-survey --help", helped, "<= bare + 0.5 s"),
            ("star-survey report --json (demo data)", report, "< 1 s")):
        rows.append(Row("cli", f"{case}: wall time", wall, "s", bare[0], label, target,
                        f"{note}; +{wall - bare[0]:.2f} s over bare Python"))
        rows.append(Row("cli", f"{case}: CPU time", cpu, "s", bare[1], label, target,
                        f"user+sys; +{cpu - bare[1]:.2f} s over bare Python"))
    return rows
