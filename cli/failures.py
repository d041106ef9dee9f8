"""What the CLI prints when a command fails in a way it did not expect: one line, no traceback."""

from __future__ import annotations

MAX_CHARS = 300


def describe(exc: BaseException) -> str:
    """Return one line naming what failed (the driver's message for database errors)."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the database driver's error
    if isinstance(exc, MemoryError):
        text = "内存不足 / out of memory"
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    elif isinstance(orig, BaseException):
        text = f"数据库错误 / database error: {orig}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    line = " ".join(text.split())
    return line if len(line) <= MAX_CHARS else line[:MAX_CHARS - 1] + "…"
