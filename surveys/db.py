"""Engines and sessions: SQLite by default (WAL, foreign keys, BEGIN IMMEDIATE), any SQLAlchemy URL."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from surveys.errors import StorageError

T = TypeVar("T")
BUSY_TIMEOUT_MS = 15000
WRITER_QUEUE_SECONDS = 15.0  # a writer waits this long for the others of its process


def is_sqlite(engine: Engine) -> bool:
    """Return True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


PRIVATE = 0o600  # database files hold password hashes, personal data and link nonces
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Set a file's mode to 0600 if it exists and is ours (others' files are left alone)."""
    try:
        if path.stat().st_uid == os.getuid():
            path.chmod(PRIVATE)
    except (FileNotFoundError, PermissionError):
        pass


def _prepare_sqlite_file(url: str) -> None:
    """Create a SQLite database file (and its directory) readable by its owner only.

    SQLite gives the -wal and -shm files it creates the database file's mode, so making the
    database file 0600 before the first connection makes them 0600 too.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    except OSError:
        return  # SQLite reports the problem when it opens the file
    for name in ("", *SQLITE_SIDE_FILES):
        make_private(path.with_name(path.name + name))


def _install_sqlite_hooks(engine: Engine) -> None:
    """Set pragmas on every connection and let sessions choose BEGIN or BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal" and engine.url.database not in (None, "", ":memory:"):
            raise StorageError(f"SQLite refused WAL journal mode (got {mode!r})")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Return an engine for a SQLAlchemy URL, configured for safe concurrent writes."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        _install_sqlite_hooks(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """Yield a session for reading; it is closed (and rolled back) afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> threading.RLock:
    """Return this process's lock for writing to the engine's SQLite database (one per file).

    The writers of one process queue on it before BEGIN IMMEDIATE: SQLite's own busy handler
    sleeps up to 100 ms between tries, so a burst of writers (50 phones confirming at once)
    would wait long after the lock is free. Other processes still wait in busy_timeout.
    """
    key = str(engine.url)
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """Yield a session whose transaction takes the write lock first; commit on success."""
    if not is_sqlite(engine):
        with Session(engine, expire_on_commit=False) as session:
            yield from _committed(session)
        return
    lock = writer_lock(engine)
    queued = lock.acquire(timeout=WRITER_QUEUE_SECONDS)  # else SQLite's busy timeout decides
    try:
        with Session(engine.execution_options(sqlite_immediate=True),
                     expire_on_commit=False) as session:
            yield from _committed(session)
    finally:
        if queued:
            lock.release()


def _committed(session: Session) -> Iterator[Session]:
    """Yield the session; commit when the caller's block succeeds, roll back when it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _is_transient(exc: OperationalError) -> bool:
    """Return True for lock and serialisation errors that a retry can cure."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(s in text for s in ("database is locked", "busy", "deadlock", "could not serialize"))


STORAGE_PROBLEMS = (  # (what the driver says, Chinese, English)
    (("database or disk is full", "no space left", "disk full", "could not extend file"),
     "磁盘（或数据库）已满", "the disk (or database) is full"),
    (("disk i/o error", "input/output error", "i/o error"), "磁盘读写错误", "a disk I/O error occurred"),
    (("readonly database", "read-only", "read only", "unable to open database file"),
     "数据库只读或无法写入", "the database is read-only or cannot be written"),
    (("database is locked", "busy", "deadlock", "could not serialize"),
     "数据库繁忙，多次重试后仍未成功", "the database stayed busy after several retries"),
)


def storage_error(exc: DBAPIError) -> StorageError:
    """Return a bilingual StorageError naming the storage problem behind a driver error."""
    text = str(exc.orig if exc.orig is not None else exc)
    zh, en = next(((z, e) for needles, z, e in STORAGE_PROBLEMS
                   if any(needle in text.lower() for needle in needles)),
                  ("数据库错误", "database error"))
    return StorageError(f"无法保存：{zh}，未保存任何内容，请联系管理员 / could not save: {en}; "
                        f"nothing was saved, please tell the administrator ({text.strip()})")


def _is_storage_problem(exc: DBAPIError) -> bool:
    """Return True when a non-operational driver error is a full disk, I/O or read-only error."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return any(needle in text for needles, _zh, _en in STORAGE_PROBLEMS[:3] for needle in needles)


def run_write(engine: Engine, work: Callable[[Session], T], *, attempts: int = 8) -> T:
    """Run work(session) in a write transaction, retrying transient lock errors with backoff."""
    delay = 0.02
    for attempt in range(attempts):
        try:
            with write_session(engine) as session:
                return work(session)
        except OperationalError as exc:
            if not _is_transient(exc) or attempt == attempts - 1:
                raise storage_error(exc) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except DBAPIError as exc:
            if not _is_storage_problem(exc):
                raise
            raise storage_error(exc) from exc
    raise AssertionError("unreachable")
