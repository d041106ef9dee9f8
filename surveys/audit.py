"""The audit log: every change a person makes is appended (who, when, what, before, after)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper
from sqlmodel import Session, SQLModel, col, select

from surveys.access import Actor
from surveys.errors import PermissionDenied
from surveys.models import AuditEntry

MAX_LIMIT = 5000


@dataclass(frozen=True)
class AuditFilters:
    """What to look for in the audit log; None means any."""

    provider_id: int | None = None
    username: str | None = None
    action: str | None = None
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 500


def _plain(value: Any) -> Any:
    """Return a JSON-friendly form of a field value (binary content is summarised by size)."""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


def snapshot(record: SQLModel | dict[str, Any] | None, *, exclude: tuple[str, ...] = ()) -> \
        dict[str, Any] | None:
    """Return a record's fields as a JSON-friendly dict (None stays None)."""
    if record is None:
        return None
    fields = record if isinstance(record, dict) else record.model_dump()
    return {key: _plain(value) for key, value in fields.items() if key not in exclude}


def _dumps(value: dict[str, Any] | None) -> str:
    """Return canonical JSON of a snapshot, or '' for none."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_change(
    session: Session, actor: Actor, action: str, entity: str, entity_id: object,
    provider_id: int | None, before: SQLModel | dict[str, Any] | None,
    after: SQLModel | dict[str, Any] | None,
) -> AuditEntry:
    """Return the appended audit entry describing one change made by the actor."""
    entry = AuditEntry(
        username=actor.username, action=action[:50], entity=entity[:50],
        entity_id="" if entity_id is None else str(entity_id)[:64], provider_id=provider_id,
        before_json=_dumps(snapshot(before)), after_json=_dumps(snapshot(after)),
    )
    session.add(entry)
    session.flush()
    return entry


def list_audit(
    session: Session, actor: Actor, filters: AuditFilters | None = None
) -> list[AuditEntry]:
    """Return matching audit entries the actor may read, newest first.

    Administrators and assessors read the whole log; staff read their own provider's entries.
    """
    filters = filters or AuditFilters()
    if actor.role not in ("admin", "assessor", "staff"):
        raise PermissionDenied(f"{actor.username} may not read the audit log")
    query = select(AuditEntry)
    if actor.role == "staff":
        if actor.provider_id is None:
            raise PermissionDenied(f"{actor.username} belongs to no provider")
        if filters.provider_id not in (None, actor.provider_id):
            raise PermissionDenied(f"{actor.username} may not read provider {filters.provider_id}")
        query = query.where(AuditEntry.provider_id == actor.provider_id)
    elif filters.provider_id is not None:
        query = query.where(AuditEntry.provider_id == filters.provider_id)
    if filters.username:
        query = query.where(AuditEntry.username == filters.username)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.since is not None:
        query = query.where(col(AuditEntry.at) >= filters.since)
    if filters.until is not None:
        query = query.where(col(AuditEntry.at) <= filters.until)
    limit = max(1, min(filters.limit, MAX_LIMIT))
    query = query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
    return list(session.exec(query).all())


def decoded(entry: AuditEntry) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Return an entry's before and after snapshots as dicts."""
    before = json.loads(entry.before_json) if entry.before_json else None
    after = json.loads(entry.after_json) if entry.after_json else None
    return before, after


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    """Refuse to change a stored audit entry."""
    raise PermissionDenied(f"audit entry {target.id} is append-only and cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    """Refuse to delete a stored audit entry."""
    raise PermissionDenied(f"audit entry {target.id} is append-only and cannot be deleted")
