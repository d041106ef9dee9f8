"""Consistent backups while the app keeps taking forms: SQLite backup API, pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import Engine, make_url

from surveys.db import PRIVATE, is_sqlite, make_private
from surveys.errors import StorageError


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote: where, how, how many forms (SQLite) and how many bytes."""

    path: Path
    method: str
    responses: int | None
    size: int


def _fail(zh: str, en: str) -> StorageError:
    """Return a bilingual backup error."""
    return StorageError(f"备份失败：{zh} / backup failed: {en}")


def _prepare(out: Path, overwrite: bool) -> Path:
    """Return the temporary path to write next to out, after checking out may be written."""
    if out.exists() and not overwrite:
        raise _fail(f"文件 {out} 已存在", f"{out} already exists (use --overwrite)")
    if not out.parent.is_dir():
        raise _fail(f"目录 {out.parent} 不存在", f"directory {out.parent} does not exist")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:  # a backup holds everything the database does: owner-only from its first byte
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except OSError as exc:
        raise _fail(f"无法写入 {out}（{exc.strerror}）",
                    f"cannot write {out} ({exc.strerror})") from exc
    return partial


def _publish(partial: Path, out: Path) -> int:
    """Return the size of the finished copy after flushing it to disk and renaming it to out."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    make_private(partial)
    os.replace(partial, out)
    return out.stat().st_size


def backup_sqlite(engine: Engine, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Return the result of copying a SQLite database to out as one self-contained file.

    The copy is taken in one step of SQLite's online backup API: a single read transaction,
    so it is consistent, while WAL lets other processes keep writing meanwhile.
    """
    partial = _prepare(out, overwrite)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            count = int(target.execute("SELECT count(*) FROM response").fetchone()[0])
        finally:
            target.close()
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise _fail(f"无法写入备份（{exc}）", f"cannot write the copy ({exc})") from exc
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise _fail("备份副本未通过完整性检查", f"the copy failed PRAGMA integrity_check: {check}")
    return BackupResult(out, "sqlite-backup-api", count, _publish(partial, out))


def libpq_uri(engine: Engine) -> str:
    """Return the engine's URL in the form libpq tools (pg_dump, psql) accept."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def search_path_schema(engine: Engine) -> str | None:
    """Return the schema named by a '-csearch_path=...' connection option, if any."""
    options = unquote(str(make_url(str(engine.url)).query.get("options") or ""))
    for part in options.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip() or None
    return None


def pg_dump_command(engine: Engine, out: Path) -> list[str]:
    """Return the pg_dump command that writes a custom-format dump of the engine's database."""
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={out}",
               f"--dbname={libpq_uri(engine)}"]
    schema = search_path_schema(engine)
    return command + ([f"--schema={schema}"] if schema else [])


def pg_dump_advice(engine: Engine, out: Path) -> str:
    """Return how to back up this PostgreSQL database by hand (password hidden)."""
    shown = engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (f"请用 pg_dump 备份 PostgreSQL / back up PostgreSQL with pg_dump:\n"
            f"  pg_dump --format=custom --no-owner --file={out} '{shown}'\n"
            "恢复 / restore: pg_restore --no-owner --dbname=<new database> " + str(out))


def backup_postgres(engine: Engine, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Return the result of pg_dump writing a consistent snapshot (one transaction) to out."""
    if shutil.which("pg_dump") is None:
        raise _fail("未找到 pg_dump", "pg_dump is not installed.\n" + pg_dump_advice(engine, out))
    partial = _prepare(out, overwrite)
    done = subprocess.run(pg_dump_command(engine, partial), capture_output=True, text=True,
                          timeout=6 * 3600)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise _fail("pg_dump 出错", f"pg_dump failed: {done.stderr.strip()}\n"
                    + pg_dump_advice(engine, out))
    return BackupResult(out, "pg_dump", None, _publish(partial, out))


def backup_database(engine: Engine, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Return the result of a consistent backup of the engine's database to out."""
    if is_sqlite(engine):
        if engine.url.database in (None, "", ":memory:"):
            raise _fail("内存数据库无法备份", "an in-memory database cannot be backed up")
        return backup_sqlite(engine, out, overwrite=overwrite)
    if engine.dialect.name == "postgresql":
        return backup_postgres(engine, out, overwrite=overwrite)
    raise _fail(f"不支持的数据库 {engine.dialect.name}",
                f"unsupported database {engine.dialect.name}")
