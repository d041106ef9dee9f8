"""A full disk, a read-only database or an I/O error while saving: a clear error, nothing partial."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from surveys.context import Context
from surveys.db import is_sqlite, make_engine, run_write, storage_error
from surveys.errors import StorageError
from tests.fault_support import (
    append,
    chain_is_linear,
    seed_invitations,
    stored_keys,
    verify_ok,
)

BIG_IMAGE = os.urandom(256 * 1024)  # incompressible: three of them cannot fit the limit below


def _engine_with(url: str, pragma: str) -> Engine:
    """Return a new engine whose every SQLite connection runs a pragma first."""
    engine = make_engine(url)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(pragma)

    event.listen(engine, "connect", on_connect)
    return engine


def _store_batch(engine: Engine, ctx: Context, ids: list[int], tag: str) -> None:
    """Store one form per invitation in one transaction, each with a large signature image."""
    def work(session: Session) -> None:
        for invitation_id in ids:
            append(session, ctx.signer, invitation_id, f"{tag}-{invitation_id}", BIG_IMAGE)
    run_write(engine, work)


def _still_sound(ctx: Context, provider_id: int, next_id: int) -> None:
    """Assert the database is intact, verifies, and takes the next form normally."""
    if is_sqlite(ctx.engine):
        with ctx.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    _store_batch(ctx.engine, ctx, [next_id], "after")
    chain_is_linear(ctx.engine, provider_id)
    verify_ok(ctx.engine, ctx.signer)


def test_full_database_file_gives_a_clear_error_and_keeps_nothing(ctx: Context) -> None:
    if not is_sqlite(ctx.engine):
        pytest.skip("the size limit is a SQLite pragma; a PostgreSQL disk cannot be filled here")
    provider_id, ids = seed_invitations(ctx, 5)
    _store_batch(ctx.engine, ctx, ids[:1], "first")
    with ctx.engine.connect() as conn:
        pages = int(conn.execute(text("PRAGMA page_count")).scalar_one())
        page_size = int(conn.execute(text("PRAGMA page_size")).scalar_one())
    room = pages + 2 * len(BIG_IMAGE) // page_size  # room for two images, not three
    full = _engine_with(ctx.settings.db_url, f"PRAGMA max_page_count = {room}")

    with pytest.raises(StorageError) as caught:
        _store_batch(full, ctx, ids[1:4], "full")
    full.dispose()
    message = str(caught.value)
    assert "已满" in message and "full" in message and "nothing was saved" in message
    assert stored_keys(ctx.engine) == [f"first-{ids[0]}"]  # the batch left no form behind
    _still_sound(ctx, provider_id, ids[4])


def test_read_only_database_gives_a_clear_error_and_keeps_nothing(ctx: Context) -> None:
    provider_id, ids = seed_invitations(ctx, 3)
    _store_batch(ctx.engine, ctx, ids[:1], "first")
    if is_sqlite(ctx.engine):
        # running as root, chmod cannot make the file read-only; query_only refuses writes the same way
        read_only = _engine_with(ctx.settings.db_url, "PRAGMA query_only = ON")
    else:
        read_only = make_engine(ctx.settings.db_url + "%20-cdefault_transaction_read_only%3Don")

    with pytest.raises(StorageError) as caught:
        _store_batch(read_only, ctx, ids[1:2], "ro")
    read_only.dispose()
    message = str(caught.value)
    assert "只读" in message and "read-only" in message and "nothing was saved" in message
    assert stored_keys(ctx.engine) == [f"first-{ids[0]}"]
    _still_sound(ctx, provider_id, ids[2])


@pytest.mark.parametrize("driver_text, zh, en", [
    ("disk I/O error", "磁盘读写错误", "disk I/O error"),
    ("database or disk is full", "已满", "is full"),
    ("attempt to write a readonly database", "只读", "read-only"),
    ("database is locked", "繁忙", "busy"),
])
def test_sqlite_error_texts_map_to_bilingual_messages(driver_text: str, zh: str, en: str) -> None:
    error = OperationalError("INSERT ...", {}, sqlite3.OperationalError(driver_text))
    message = str(storage_error(error))
    assert zh in message and en in message and driver_text in message
