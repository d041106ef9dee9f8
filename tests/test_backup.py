"""star-survey backup while another process keeps writing; the copy verifies and is a chain prefix."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import col, select

from surveys.backup import search_path_schema
from surveys.context import Context
from surveys.db import is_sqlite, make_engine, read_session
from surveys.models import Response
from tests.conftest import PG_ADMIN_URL
from tests.fault_support import (
    ROOT,
    cli_env,
    count_responses,
    seed_invitations,
    star_survey,
    verify_ok,
    writer_command,
)


def _hashes(url: str) -> dict[int, str]:
    """Return {seq: record_hash} of the database at url."""
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.exec(select(Response.seq, Response.record_hash)
                            .order_by(col(Response.seq))).all()
    engine.dispose()
    return {int(seq): str(digest) for seq, digest in rows}


def _backup_during_writes(ctx: Context, out: Path) -> subprocess.CompletedProcess[str]:
    """Return the backup run made while a writer process stores forms."""
    _provider_id, ids = seed_invitations(ctx, 60)
    _ = ctx.signer
    env = cli_env(ctx)
    writer = subprocess.Popen(writer_command("bk", ids), cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    acks = 0
    for line in writer.stdout:
        acks += line.startswith("ACK")
        if acks == 5:
            break
    done = star_survey(env, "backup", str(out))
    rest, _ = writer.communicate(timeout=300)
    assert writer.returncode == 0, rest
    assert count_responses(ctx.engine) == 60
    return done


def _restore_postgres(dump: Path, schema: str) -> str:
    """Return the URL of a new database holding the dump (dropped by the caller)."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={base.replace('+psycopg', '')}",
                    str(dump)], check=True, capture_output=True, timeout=120)
    return f"{base}?options=-csearch_path%3D{schema}"


def _drop_database(url: str) -> None:
    """Drop the database a restore created."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_taken_during_writes_is_consistent_and_verifies(ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / ("copy.db" if is_sqlite(ctx.engine) else "copy.dump")
    done = _backup_during_writes(ctx, out)
    assert done.returncode == 0, done.stderr
    assert "backup written" in done.stdout and out.exists()
    assert not out.with_name(out.name + ".partial").exists()
    if is_sqlite(ctx.engine):
        url = f"sqlite:///{out}"
    else:
        schema = search_path_schema(ctx.engine)
        assert schema
        url = _restore_postgres(out, schema)
    try:
        copy = make_engine(url)
        if is_sqlite(copy):
            with copy.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        verify_ok(copy, ctx.signer)
        copy.dispose()
        copied, live = _hashes(url), _hashes(ctx.settings.db_url)
        assert 5 <= len(copied) <= len(live) == 60
        assert all(live[seq] == digest for seq, digest in copied.items())  # a prefix of the chain
    finally:
        if not is_sqlite(ctx.engine):
            _drop_database(url)


def test_backup_refuses_to_overwrite_and_names_the_file(ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / "exists.db"
    out.write_bytes(b"keep me")
    done = star_survey(cli_env(ctx), "backup", str(out))
    assert done.returncode == 1
    assert "已存在" in done.stderr and "already exists" in done.stderr and str(out) in done.stderr
    assert out.read_bytes() == b"keep me"


def test_postgres_backup_without_pg_dump_prints_advice(ctx: Context, tmp_path: Path) -> None:
    if is_sqlite(ctx.engine):
        pytest.skip("pg_dump advice concerns PostgreSQL")
    env = {**cli_env(ctx), "PATH": str(tmp_path)}  # no pg_dump on this PATH
    done = subprocess.run([sys.executable, "-m", "cli", "backup",
                           str(tmp_path / "x.dump")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and "pg_restore" in done.stderr
    assert not (tmp_path / "x.dump").exists()
