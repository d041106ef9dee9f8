"""Alembic migrations produce exactly the schema the models describe, and so does `ctx`'s copy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from surveys.db import make_engine
from surveys.schema import current_revision, head_revision, upgrade
from surveys.settings import Settings


@pytest.fixture(params=["upgrade()", "the ctx fixture's copy"])
def migrated(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """Yield an engine on a database migrated by upgrade() itself, or by the tests' shortcut."""
    if request.param != "upgrade()":
        yield request.getfixturevalue("ctx").engine
        return
    engine = make_engine(settings.db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_migrated_database_matches_the_models(migrated: Engine) -> None:
    assert current_revision(migrated) == head_revision()
    with migrated.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []


def test_report_indexes_exist(migrated: Engine) -> None:
    names = {ix["name"] for ix in inspect(migrated).get_indexes("response")}
    assert "ix_response_provider_year_total" in names
