"""The first-run set-up code: created once under data/, renewed only by the administrator."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from surveys.files import write_private_file
from surveys.settings import Settings

FILE_NAME = "setup-code"


def setup_code_path(settings: Settings) -> Path:
    """Return where the installation keeps its set-up code (0600, beside the link secret)."""
    return settings.data_dir / FILE_NAME


def _new_code() -> str:
    """Return a fresh code of three groups of six hex digits."""
    return "-".join(secrets.token_hex(3).upper() for _ in range(3))


def load_or_create_setup_code(path: Path) -> tuple[str, bool]:
    """Return the stored code and False, or a newly stored one and True (never regenerated)."""
    try:
        return path.read_text(encoding="ascii").strip(), False
    except FileNotFoundError:
        pass
    code = _new_code()
    try:
        write_private_file(path, code.encode("ascii"))
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text(encoding="ascii").strip(), False
    return code, True


def renew_setup_code(path: Path) -> str:
    """Return a new code stored in place of the old one (the administrator's request)."""
    discard_setup_code(path)
    code, _created = load_or_create_setup_code(path)
    return code


def discard_setup_code(path: Path) -> None:
    """Remove the stored code (once the first administrator exists it is no longer needed)."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
