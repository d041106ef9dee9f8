"""Database files, their WAL/SHM files and backups are readable by their owner only (0600)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from surveys.backup import backup_database
from surveys.context import Context
from surveys.db import make_engine
from surveys.schema import upgrade
from tests import factories

ROOT = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    """Return the permission bits of a file."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run the test under the common umask 022 (new files 0644 unless made private)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_wal_and_shm_are_0600(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "data" / "survey.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with engine.connect() as conn:  # WAL and SHM exist while a connection is open
        conn.execute(text("SELECT count(*) FROM provider"))
        files = [db, db.with_name("survey.db-wal"), db.with_name("survey.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
    engine.dispose()


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path,
                                                           open_umask: None) -> None:
    db = tmp_path / "survey.db"
    upgrade(make_engine(f"sqlite:///{db}"))
    for f in tmp_path.iterdir():
        f.chmod(0o644)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert {f.name: oct(mode(f)) for f in tmp_path.iterdir()} == {
            f.name: "0o600" for f in tmp_path.iterdir()}
    engine.dispose()


def test_backups_are_0600(ctx: Context, tmp_path: Path, open_umask: None) -> None:
    factories.invited_client(ctx)
    out = tmp_path / "backup.db"
    backup_database(ctx.engine, out)
    assert oct(mode(out)) == "0o600"


def test_the_cli_creates_every_file_0600_under_an_open_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "STAR_SURVEY_DB": f"sqlite:///{data / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(data), "STAR_SURVEY_PUBLIC_URL": "http://survey.test"}
    for args in (["init"], ["demo"], ["backup", str(tmp_path / "copy.db")]):
        done = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=False, timeout=120,
                              preexec_fn=lambda: os.umask(0o022))
        assert done.returncode == 0, done.stderr
    made = [*data.iterdir(), tmp_path / "copy.db"]
    assert {f.name: oct(mode(f)) for f in made} == {f.name: "0o600" for f in made}
