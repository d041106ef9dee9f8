"""Canonical serialisation of a response version, its SHA-256 and the per-provider hash chain.

The canonical form is UTF-8 JSON with keys sorted, no spaces, non-ASCII kept as is.
Images and scans enter by the SHA-256 of their bytes (null when absent); dates are ISO
8601; submitted_at is UTC with microseconds and a trailing 'Z'. See docs/evidence.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from surveys.form_a1 import ITEM_COLUMNS
from surveys.models import Response

CANONICAL_FORMAT = "star-survey/record/1"
GENESIS_HASH = "0" * 64


def sha256_hex(data: bytes | None) -> str | None:
    """Return the hex SHA-256 of bytes, or None for no bytes."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def utc_text(moment: datetime) -> str:
    """Return a moment as UTC ISO text with microseconds and 'Z' (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields(record: Response) -> dict[str, Any]:
    """Return the signed fields of a response version as plain JSON values."""
    return {
        "format": CANONICAL_FORMAT,
        "provider_id": record.provider_id,
        "client_id": record.client_id,
        "invitation_id": record.invitation_id,
        "year": record.year,
        "form_id": record.form_id,
        "items": [getattr(record, column) for column in ITEM_COLUMNS],
        "total": record.total,
        "header": json.loads(record.header_json),
        "signer_name": record.signer_name,
        "signer_title": record.signer_title,
        "signer_phone": record.signer_phone,
        "signature_sha256": sha256_hex(record.signature_png),
        "seal_sha256": sha256_hex(record.seal_image),
        "scan_sha256": sha256_hex(record.scan),
        "scan_name": record.scan_name,
        "evaluation_date": record.evaluation_date.isoformat(),
        "comment": record.comment,
        "origin": record.origin,
        "submitted_at": utc_text(record.submitted_at),
        "version": record.version,
        "supersedes_id": record.supersedes_id,
        "seq": record.seq,
        "prev_hash": record.prev_hash,
    }


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Return the canonical UTF-8 JSON bytes of signed fields."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_hash(record: Response) -> str:
    """Return the hex SHA-256 of a response version's canonical bytes."""
    return hashlib.sha256(canonical_bytes(canonical_fields(record))).hexdigest()


def receipt_code(hash_hex: str) -> str:
    """Return the client's receipt code: the first 16 hex digits of the record hash, grouped."""
    head = hash_hex[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))
