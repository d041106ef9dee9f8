"""Errors the domain raises; each carries a message fit to show a user (Chinese and English)."""

from __future__ import annotations

from dataclasses import dataclass, field


class SurveyError(Exception):
    """Base of every error that a user should see as a plain message."""


class NotFound(SurveyError):
    """A provider, client, campaign or invitation that does not exist (or is not yours)."""


class PermissionDenied(SurveyError):
    """The acting user may not read or change this."""


class StorageError(SurveyError):
    """The database could not store a change; nothing partial was kept."""


class Conflict(SurveyError):
    """The change conflicts with the current state (e.g. a closed campaign)."""


@dataclass
class FieldError:
    """One problem with one field (or item), with a bilingual message."""

    field: str
    zh: str
    en: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.zh} / {self.en}"


@dataclass
class ValidationFailed(SurveyError):
    """Input was rejected; every problem is listed and nothing was stored."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors)
