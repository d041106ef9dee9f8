"""Shared fixtures: every test gets its own database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from surveys import users
from surveys.context import Context, open_context
from surveys.db import make_engine
from surveys.schema import upgrade
from surveys.settings import Settings

# Passwords hashed in this process use argon2id at a test cost, as Django's test settings do: at
# the real cost (0.12 s a hash or a check here) creating and signing in accounts was a tenth of
# the suite. Every server, CLI and browser test's subprocess still hashes at the real cost.
users.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PG_ADMIN_URL = os.environ.get(
    "STAR_SURVEY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _flag(name: str) -> bool:
    """Return True when an environment flag is set to 1/true/yes."""
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def postgres_available() -> bool:
    """Return True when the test PostgreSQL answers."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_PG_OK: bool | None = None


def require_postgres() -> None:
    """Skip (or, under REQUIRE_POSTGRES=1, fail) when PostgreSQL is unreachable."""
    global _PG_OK
    if _PG_OK is None:
        _PG_OK = postgres_available()
    if not _PG_OK:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}"
        if _flag("REQUIRE_POSTGRES"):
            pytest.fail(message + " and REQUIRE_POSTGRES=1")
        pytest.skip(message)


def release_streamlit_caches() -> None:
    """Clear Streamlit's resource caches (AppTest runs pages in this process), if loaded."""
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_resource.clear()  # each entry's on_release disposes its engine, stops its thread


def _connected(admin: Any, schema: str) -> list[str]:
    """Return the state and last query of each session still connected under a schema's name."""
    with admin.connect() as conn:
        rows = conn.execute(text("SELECT state, left(query, 80) FROM pg_stat_activity "
                                 "WHERE application_name = :name"), {"name": schema})
        return [f"{state}: {query}" for state, query in rows]


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """Yield a PostgreSQL URL on a fresh schema; afterwards fail if a session was left, drop it.

    The URL names its sessions after the schema, so a connection a test leaves open (an engine
    never disposed, a cache never released) is found here, closed, and reported: 100 sessions
    is all the server allows, and one leaking test starves the rest of the run.
    """
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?application_name={schema}&options=-csearch_path%3D{schema}"
    finally:
        release_streamlit_caches()
        deadline, left = time.monotonic() + 5, _connected(admin, schema)
        while left and time.monotonic() < deadline:  # a stopped server's sessions end shortly
            time.sleep(0.1)
            left = _connected(admin, schema)
        with admin.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name = :name"), {"name": schema})
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if left:
        pytest.fail(f"{len(left)} PostgreSQL session(s) left open by the test: {left}")


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """Yield a PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty database of each back-end, private to the test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'survey.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Return settings pointing at the test's database and a private data directory."""
    return Settings(db_url=db_url, data_dir=tmp_path / "data", base_url="http://survey.test")


def recorded_upgrade(url: str) -> list[str]:
    """Return the statements (all but reads) that upgrade() runs on the empty database at url."""
    engine = make_engine(url)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            assert not parameters, f"a migration statement with parameters: {statement}"
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    upgrade(engine)
    engine.dispose()
    return statements


@functools.cache
def _pg_migration_script() -> str:
    """Return PostgreSQL's whole migration as one script, recorded once per test process."""
    with fresh_pg_schema() as url:
        return ";\n".join(recorded_upgrade(url))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file upgrade() migrated, made once per test process and copied per test."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection folds the WAL file into the database
    return path


@pytest.fixture
def ctx(settings: Settings, sqlite_template: Path) -> Iterator[Context]:
    """Yield a context on a migrated, empty database.

    A real upgrade() costs 40 ms on SQLite and 150 ms on PostgreSQL; each test instead gets a
    copy of one per process (the file, or the recorded statements in one round trip).
    tests/test_schema.py runs upgrade() itself and checks both against the models.
    """
    on_sqlite = settings.db_url.startswith("sqlite")
    if on_sqlite:
        shutil.copyfile(sqlite_template, settings.db_url.removeprefix("sqlite:///"))
    context = open_context(settings)
    if not on_sqlite:
        with context.engine.begin() as conn:
            conn.exec_driver_sql(_pg_migration_script())
    yield context
    context.engine.dispose()


@pytest.fixture
def cli_env(settings: Settings, ctx: Context) -> dict[str, str]:
    """Return environment variables that point the CLI at the test's database."""
    return {
        "STAR_SURVEY_DB": settings.db_url,
        "STAR_SURVEY_DATA_DIR": str(settings.data_dir),
        "STAR_SURVEY_BASE_URL": settings.base_url or "",
    }


@pytest.fixture
def cli(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Any:
    """Return a function that runs the CLI in-process: (exit code, stdout, stderr)."""
    from cli.main import main

    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err
    return run


from tests.browser_support import browser, desktop_page, phone_page  # noqa: E402,F401
from tests.tsa_support import local_tsa  # noqa: E402,F401  (a real RFC 3161 TSA on loopback)
