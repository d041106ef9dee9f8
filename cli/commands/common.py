"""Helpers shared by CLI commands: the context, output, running a domain call."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from sqlmodel import Session

from surveys.access import SYSTEM
from surveys.context import Context, open_context
from surveys.db import read_session, run_write

T = TypeVar("T")
ACTOR = SYSTEM  # whoever can run the CLI owns the database file: an administrator

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def context() -> Context:
    """Return the context configured by the environment."""
    return open_context()


def write(work: Callable[[Context, Session], T]) -> T:
    """Return work's result after running it in one write transaction."""
    ctx = context()
    return run_write(ctx.engine, lambda session: work(ctx, session))


def read(work: Callable[[Context, Session], T]) -> T:
    """Return work's result after running it in a read session."""
    ctx = context()
    with read_session(ctx.engine) as session:
        return work(ctx, session)


def emit(value: Any, as_json: bool, text: str | None = None) -> None:
    """Print value as JSON, or the given text (default: the value itself)."""
    if as_json:
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(text if text is not None else str(value))
