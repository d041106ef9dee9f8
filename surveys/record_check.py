"""The public page's check of one record, found by its hash or by a client's receipt code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlmodel import Session

from surveys.keys import verify_signature
from surveys.models import Client, Provider
from surveys.records import receipt_prefix
from surveys.verify import RESPONSE_TABLE, entry_from_row


@dataclass(frozen=True)
class RecordCheck:
    """What the public verification page may show about one record."""

    record_hash: str
    intact: bool  # the stored content still hashes to record_hash
    signature_ok: bool
    provider_name: str
    client_name: str
    evaluation_date: date
    total: int
    version: int
    superseded: bool
    origin: str = "web"
    submitted_at: datetime | None = None
    superseded_by_origin: str | None = None  # how the version that replaced it was entered
    superseded_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """Return True when the record is unaltered and validly signed."""
        return self.intact and self.signature_ok


def find_record_row(session: Session, wanted: str) -> Any:
    """Return the stored row a full record hash or a receipt code names, or None."""
    text = wanted.strip().lower()
    table = RESPONSE_TABLE.c
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return session.execute(select(RESPONSE_TABLE).where(table.record_hash == text)).first()
    prefix = receipt_prefix(wanted)
    if prefix is None:
        return None
    rows = session.execute(select(RESPONSE_TABLE).where(
        table.record_hash >= prefix, table.record_hash < prefix + "g").limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def check_record(session: Session, wanted: str,
                 public_key: Ed25519PublicKey) -> RecordCheck | None:
    """Return the check of the record a hash or receipt code names, or None when none does."""
    row = find_record_row(session, wanted)
    if row is None:
        return None
    entry = entry_from_row(row)
    provider = session.get(Provider, row.provider_id)
    header = _header(row.header_json)
    client = session.get(Client, row.client_id)
    newer = session.execute(
        select(RESPONSE_TABLE.c.origin, RESPONSE_TABLE.c.submitted_at)
        .where(RESPONSE_TABLE.c.supersedes_id == row.id)
    ).first()
    return RecordCheck(
        record_hash=row.record_hash,
        intact=not entry.malformed and entry.content_ok and entry.computed_hash == entry.stored_hash,
        signature_ok=verify_signature(public_key, entry.stored_hash, entry.signature),
        provider_name=provider.name if provider else "",
        client_name=str(header.get("client", {}).get("name") or (client.name if client else "")),
        evaluation_date=row.evaluation_date, total=int(row.total), version=int(row.version),
        superseded=newer is not None, origin=str(row.origin), submitted_at=row.submitted_at,
        superseded_by_origin=str(newer[0]) if newer else None,
        superseded_at=newer[1] if newer else None,
    )


def _header(text: str) -> dict[str, Any]:
    """Return the parsed header snapshot, or {} when it is not valid JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
