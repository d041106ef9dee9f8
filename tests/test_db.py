"""Storage: SQLite pragmas, concurrent writers, retries; the same code on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from surveys.context import Context
from surveys.db import is_sqlite, make_engine, read_session, run_write
from surveys.models import Provider
from surveys.schema import upgrade


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert (tmp_path / "sub" / "x.db").exists()


def test_foreign_keys_are_enforced(ctx: Context) -> None:
    statement = text("INSERT INTO client (provider_id, name, department, manager, phone, key_unit,"
                     " active, created_at) VALUES (999, 'x', '', '', '', false, true,"
                     " CURRENT_TIMESTAMP)")
    with pytest.raises(IntegrityError):
        run_write(ctx.engine, lambda s: s.execute(statement))


def test_failed_write_leaves_nothing(ctx: Context) -> None:
    def work(session: object) -> None:
        session.add(Provider(name="half"))  # type: ignore[attr-defined]
        session.flush()  # type: ignore[attr-defined]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run_write(ctx.engine, work)
    with read_session(ctx.engine) as session:
        assert session.exec(select(func.count()).select_from(Provider)).one() == 0


def test_concurrent_writers_all_commit_without_lock_errors(ctx: Context) -> None:
    """Eight threads, each with its own engine, insert 25 rows each."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        engine = make_engine(ctx.settings.db_url)
        try:
            for i in range(25):
                run_write(engine, lambda s, i=i: s.add(Provider(name=f"w{n}-{i}")))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with read_session(ctx.engine) as session:
        assert session.exec(select(func.count()).select_from(Provider)).one() == 200


def test_init_is_idempotent(ctx: Context) -> None:
    first = upgrade(ctx.engine)
    assert upgrade(ctx.engine) == first
    assert is_sqlite(ctx.engine) == ctx.settings.db_url.startswith("sqlite")


def test_writers_of_one_process_queue_in_python_not_in_sqlites_busy_handler(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's busy handler sleeps up to 100 ms between tries, long after the lock is free:
    the writers of one process take a lock of their own first, so none ever finds the database
    locked (here with SQLite's busy timeout at 0, where any collision would be a retry)."""
    import surveys.db

    monkeypatch.setattr(surveys.db, "BUSY_TIMEOUT_MS", 0)
    retries: list[float] = []
    monkeypatch.setattr(surveys.db.time, "sleep", retries.append)
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    start = threading.Barrier(8)

    def writer() -> None:
        start.wait()
        for n in range(40):
            run_write(engine, lambda s, n=n: s.connection().execute(
                text("INSERT INTO t VALUES (:n)"), {"n": n}))

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 320
    assert retries == []
    engine.dispose()


def test_a_writer_that_waited_its_turn_too_long_goes_on_to_sqlite(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import surveys.db

    monkeypatch.setattr(surveys.db, "WRITER_QUEUE_SECONDS", 0.05)
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with surveys.db.writer_lock(engine):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(30)
    write = threading.Thread(target=run_write, args=(engine, lambda s: s.connection().execute(
        text("INSERT INTO t VALUES (7)"))))
    write.start()
    write.join(20)
    finished_while_held = not write.is_alive()
    release.set()
    thread.join()
    write.join()
    assert finished_while_held
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t")).scalars().all() == [7]
    assert surveys.db.writer_lock(engine) is surveys.db.writer_lock(make_engine(str(engine.url)))
    engine.dispose()
