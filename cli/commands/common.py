"""Helpers shared by CLI commands: the context, output, running a domain call.

Imports here stay light (typer and the standard library): the domain and the database driver
load when a command first touches the context.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from surveys.access import SYSTEM

if TYPE_CHECKING:
    from sqlmodel import Session

    from surveys.context import Context

T = TypeVar("T")
ACTOR = SYSTEM  # whoever can run the CLI owns the database file: an administrator

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def context() -> Context:
    """Return the context configured by the environment; no connection outlives its session."""
    from surveys.context import open_context

    return open_context(pooled=False)  # a command, even run in-process, leaves nothing open


def write(work: Callable[[Context, Session], T]) -> T:
    """Return work's result after running it in one write transaction."""
    from surveys.db import run_write

    ctx = context()
    return run_write(ctx.engine, lambda session: work(ctx, session))


def read(work: Callable[[Context, Session], T]) -> T:
    """Return work's result after running it in a read session."""
    from surveys.db import read_session

    ctx = context()
    with read_session(ctx.engine) as session:
        return work(ctx, session)


def public_base(override: str | None = None) -> str:
    """Return the public base URL links use, warning on stderr when phones cannot reach it."""
    from surveys.links import link_warnings, public_base_url

    base = public_base_url(context().settings, override=override)
    problems = link_warnings(base)
    if "loopback" in problems:
        complain(f"警告 / warning: {base} 是本机回环地址，手机无法打开 / is a loopback address; "
                 "phones cannot open it (set STAR_SURVEY_PUBLIC_URL)")
    if "unreachable" in problems:
        complain(f"警告 / warning: {base} 上没有服务在运行，链接打不开 / no server answers at "
                 f"{base}; start it (star-survey serve) or set STAR_SURVEY_PUBLIC_URL")
    return base


def emit(value: Any, as_json: bool, text: str | None = None) -> None:
    """Print value as JSON, or the given text (default: the value itself).

    Stored text reaches no terminal raw: control and bidi characters print as escapes.
    """
    from surveys.text import json_terminal_safe, terminal_safe

    if as_json:
        typer.echo(json_terminal_safe(json.dumps(value, ensure_ascii=False, indent=2, default=str)))
    else:
        typer.echo(terminal_safe(text if text is not None else str(value)))


def one_line(text: str) -> str:
    """Return stored text as one line: line breaks, controls and bidi characters as escapes."""
    from surveys.text import visible_controls

    return visible_controls(text)


def complain(message: str) -> None:
    """Print a message to stderr with stored text made inert."""
    from surveys.text import terminal_safe

    typer.echo(terminal_safe(message), err=True)


def read_file(file: Path) -> bytes:
    """Return a file's bytes, or exit with a clear message."""
    try:
        return file.read_bytes()
    except OSError as exc:
        typer.echo(f"错误 / error: cannot read {file}: {exc.strerror}", err=True)
        raise typer.Exit(1) from exc


def read_import_file(file: Path) -> bytes:
    """Return an import file's bytes, refused before reading when over the import limit."""
    from surveys.tabular import read_capped

    return read_capped(file)


def write_output(out: Path, data: bytes) -> None:
    """Write a file the user asked for, or exit with one clear line."""
    try:
        out.write_bytes(data)
    except OSError as exc:
        complain(f"错误 / error: cannot write {out}: {exc.strerror}")
        raise typer.Exit(1) from exc
