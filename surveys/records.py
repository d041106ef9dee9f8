"""Canonical serialisation of a response version, its SHA-256 and the per-provider hash chain.

Canonical bytes are UTF-8 JSON with keys sorted, no spaces, non-ASCII kept as is (for these
records, which hold no floating-point numbers, that is RFC 8785 JSON canonicalisation). Images
and scans enter by the SHA-256 of their bytes (null when absent); dates are ISO 8601;
submitted_at is UTC with microseconds and a trailing 'Z'. Two formats are in use (see
docs/evidence.md and the specification inside every evidence bundle):

* ``star-survey/record/1`` (rows stored before schema 0004): the record hash is the SHA-256 of
  the canonical bytes of every signed field at once.
* ``star-survey/record/2``: the record hash is the SHA-256 of a small *envelope* (format,
  provider, year, seq, prev_hash, submitted_at and the SHA-256 of the *content*); the content
  holds the form itself. A bundle can then show another year's record by its envelope alone:
  its place in the chain stays checkable while its content stays out of the bundle.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from surveys.form_a1 import ITEM_COLUMNS
from surveys.models import RECORD_FORMAT_1, RECORD_FORMAT_2, Response

CANONICAL_FORMAT = RECORD_FORMAT_1
RECORD_FORMATS = (RECORD_FORMAT_1, RECORD_FORMAT_2)
GENESIS_HASH = "0" * 64
ENVELOPE_KEYS = ("format", "provider_id", "year", "seq", "prev_hash", "submitted_at",
                 "content_sha256")


def sha256_hex(data: bytes | None) -> str | None:
    """Return the hex SHA-256 of bytes, or None for no bytes."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def utc_text(moment: datetime) -> str:
    """Return a moment as UTC ISO text with microseconds and 'Z' (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """Return the canonical UTF-8 JSON bytes of signed fields."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _form_fields(record: Response) -> dict[str, Any]:
    """Return the fields both formats sign about the form itself."""
    return {
        "client_id": record.client_id,
        "invitation_id": record.invitation_id,
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
        "version": record.version,
        "supersedes_id": record.supersedes_id,
    }


def canonical_fields(record: Response) -> dict[str, Any]:
    """Return the signed fields of a format-1 record as plain JSON values."""
    return {
        "format": RECORD_FORMAT_1,
        "provider_id": record.provider_id,
        "year": record.year,
        **_form_fields(record),
        "submitted_at": utc_text(record.submitted_at),
        "seq": record.seq,
        "prev_hash": record.prev_hash,
    }


def content_fields(record: Response) -> dict[str, Any]:
    """Return the content of a format-2 record: the form, who entered it and why."""
    return {**_form_fields(record), "entered_by": record.entered_by, "reason": record.reason}


def envelope_fields(record: Response, content_sha256: str) -> dict[str, Any]:
    """Return the envelope of a format-2 record: its place in the chain and its content hash."""
    return {
        "format": RECORD_FORMAT_2,
        "provider_id": record.provider_id,
        "year": record.year,
        "seq": record.seq,
        "prev_hash": record.prev_hash,
        "submitted_at": utc_text(record.submitted_at),
        "content_sha256": content_sha256,
    }


def signed_parts(record: Response) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return (envelope, content) of a stored record; format 1 has its fields and no content."""
    if record.record_format == RECORD_FORMAT_1:
        return canonical_fields(record), None
    content = content_fields(record)
    return envelope_fields(record, hashlib.sha256(canonical_bytes(content)).hexdigest()), content


def envelope_hash(envelope: dict[str, Any]) -> str:
    """Return the record hash an envelope (or a format-1 record's fields) stands for."""
    return hashlib.sha256(canonical_bytes(envelope)).hexdigest()


def content_matches(envelope: dict[str, Any], content: dict[str, Any] | None) -> bool:
    """Return True unless content is given and is not the content the envelope names.

    Format 1 has no separate content. A format-2 envelope shown without its content (another
    year's record in a bundle) still fixes its place in the chain; there is nothing to compare.
    """
    if content is None:
        return True
    if envelope.get("format") == RECORD_FORMAT_1:
        return False
    return hashlib.sha256(canonical_bytes(content)).hexdigest() == envelope.get("content_sha256")


def record_view(envelope: dict[str, Any], content: dict[str, Any] | None) -> dict[str, Any]:
    """Return one flat dict of a record's signed values (envelope and content merged)."""
    merged = {**(content or {}), **envelope}
    merged.setdefault("entered_by", "")
    merged.setdefault("reason", "")
    return merged


def record_hash(record: Response) -> str:
    """Return the hex SHA-256 that a stored record's signature covers."""
    return envelope_hash(signed_parts(record)[0])


def receipt_code(hash_hex: str) -> str:
    """Return the client's receipt code: the first 16 hex digits of the record hash, grouped."""
    head = hash_hex[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def receipt_prefix(code: str) -> str | None:
    """Return the 16 lower-case hex digits a receipt code stands for, or None if it is not one."""
    digits = "".join(ch for ch in code.strip().lower() if ch not in "- \u3000")
    if len(digits) != 16 or any(ch not in "0123456789abcdef" for ch in digits):
        return None
    return digits
