"""Alembic environment: migrates the engine handed in by surveys.schema (or STAR_SURVEY_DB)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import surveys.models  # noqa: F401  (registers the tables)
from surveys.db import make_engine
from surveys.settings import get_settings

target_metadata = SQLModel.metadata


def run() -> None:
    """Run the migrations on the given connection, or on the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(get_settings().db_url)
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    """Configure Alembic for the connection and run pending migrations."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
