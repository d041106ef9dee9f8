"""Who is acting, and what they may read or change. Checked inside every domain function."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.errors import PermissionDenied

ROLES = ("admin", "staff", "assessor")


@dataclass(frozen=True)
class Actor:
    """The person (or process) on whose behalf a domain function runs."""

    username: str
    role: str
    provider_id: int | None = None

    @property
    def is_admin(self) -> bool:
        """Return True for administrators."""
        return self.role == "admin"


# The command line runs with the database's owner rights: it acts as an administrator.
SYSTEM = Actor(username="system", role="admin")
ANONYMOUS = Actor(username="anonymous", role="anonymous")


def can_read_provider(actor: Actor, provider_id: int) -> bool:
    """Return True when the actor may read this provider's data."""
    if actor.role in ("admin", "assessor"):
        return True
    return actor.role == "staff" and actor.provider_id == provider_id


def can_write_provider(actor: Actor, provider_id: int) -> bool:
    """Return True when the actor may change this provider's data."""
    if actor.role == "admin":
        return True
    return actor.role == "staff" and actor.provider_id == provider_id


def require_read(actor: Actor, provider_id: int) -> None:
    """Raise PermissionDenied unless the actor may read this provider's data."""
    if not can_read_provider(actor, provider_id):
        raise PermissionDenied(f"{actor.username} may not read provider {provider_id}")


def require_write(actor: Actor, provider_id: int) -> None:
    """Raise PermissionDenied unless the actor may change this provider's data."""
    if not can_write_provider(actor, provider_id):
        raise PermissionDenied(f"{actor.username} may not change provider {provider_id}")


def require_admin(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is an administrator."""
    if not actor.is_admin:
        raise PermissionDenied(f"{actor.username} is not an administrator")
