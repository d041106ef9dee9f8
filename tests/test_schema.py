"""Alembic migrations produce exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from surveys.context import Context
from surveys.schema import current_revision, head_revision


def test_migrated_database_matches_the_models(ctx: Context) -> None:
    assert current_revision(ctx.engine) == head_revision()
    with ctx.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []


def test_report_indexes_exist(ctx: Context) -> None:
    from sqlalchemy import inspect

    names = {ix["name"] for ix in inspect(ctx.engine).get_indexes("response")}
    assert "ix_response_provider_year_total" in names
