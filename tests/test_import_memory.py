"""The importer under an address-space limit: hostile files are refused with a message, not by
running out of memory (each case runs `client import` in a child process with RLIMIT_AS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from surveys.context import open_context
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.factories import make_provider
from tests.test_tabular import dimension_bomb

ROOT = Path(__file__).resolve().parents[1]
HEADROOM = 256 * 1024 * 1024  # what the import may use beyond the loaded program
CHILD = """
import contextlib, io, resource, sys
from cli.main import main
import openpyxl, surveys.client_import, surveys.context, surveys.db, surveys.tabular  # noqa
provider = sys.argv[2]
with contextlib.redirect_stdout(io.StringIO()):  # load what an import loads, then measure
    try:
        main(["client", "list", "--provider", provider])
    except SystemExit:
        pass
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
limit = size + int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
for path in sys.argv[3:]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            main(["client", "import", "--provider", provider, path])
            code = 0
        except SystemExit as exc:
            code = exc.code
    print(path, code, err.getvalue().replace("\\n", " "), sep="\\t")
"""


def huge_csv(path: Path, megabytes: int) -> Path:
    """Return a CSV of client rows of about the given size."""
    with path.open("wb") as out:
        out.write(b"name,department,manager,phone,key_unit\n")
        block = b"".join(f"unit{i},dept,mgr,13812345678,no\n".encode() for i in range(10000))
        while out.tell() < megabytes * 1024 * 1024:
            out.write(block)
    return path


def test_hostile_files_are_refused_within_bounded_memory(tmp_path: Path) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'survey.db'}", data_dir=tmp_path / "d")
    ctx = open_context(settings)
    upgrade(ctx.engine)
    provider = make_provider(ctx)
    ctx.engine.dispose()
    (tmp_path / "bomb.xlsx").write_bytes(dimension_bomb("XFD1048576"))  # 1.6 KB
    (tmp_path / "wide.xlsx").write_bytes(dimension_bomb("XFD3"))
    expected = {
        "bomb.xlsx": "too many rows",
        "wide.xlsx": "too many columns",
        huge_csv(tmp_path / "huge.csv", 33).name: "too large (33 MB",
        huge_csv(tmp_path / "long.csv", 9).name: "too many rows",
    }
    env = {**os.environ, "STAR_SURVEY_DB": settings.db_url,
           "STAR_SURVEY_DATA_DIR": str(settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(HEADROOM), str(provider),
         *(str(tmp_path / name) for name in expected)], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {Path(line.split("\t")[0]).name: line.split("\t")[1:]
               for line in done.stdout.splitlines()}
    assert set(results) == set(expected), done.stdout + done.stderr[-3000:]
    for name, message in expected.items():
        code, err = results[name]
        assert code == "1" and message in err, (name, err[-2000:])
        assert "Traceback" not in err and "MemoryError" not in err
