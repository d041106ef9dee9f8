"""Drill-down: a client's forms across years and one form in full with its version history."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from PIL import Image
from sqlmodel import Session

from analytics.trend_queries import client_forms_sql, provider_clients_sql
from surveys.access import Actor, require_read
from surveys.clients import get_client
from surveys.form_a1 import ITEMS
from surveys.records import receipt_code
from surveys.responses import get_response, response_versions

FORM_COLUMNS = ["response_id", "year", "total", "evaluation_date", "signer_name", "origin",
                "version"]


def provider_clients(*, session: Session, actor: Actor, provider_id: int) -> pd.DataFrame:
    """Return the provider's clients: client_id, name, key_unit, forms (current forms count)."""
    require_read(actor, provider_id)
    rows = session.execute(provider_clients_sql(provider_id)).all()
    return pd.DataFrame([{"client_id": r[0], "name": r[1], "key_unit": bool(r[2]),
                          "forms": int(r[3])} for r in rows],
                        columns=["client_id", "name", "key_unit", "forms"])


def client_forms(*, session: Session, actor: Actor, client_id: int) -> pd.DataFrame:
    """Return the client's current forms across years, newest first (one row per form)."""
    get_client(session=session, actor=actor, client_id=client_id)
    rows = session.execute(client_forms_sql(client_id)).mappings()
    return pd.DataFrame([{"response_id": r["id"], "year": r["year"], "total": r["total"],
                          "evaluation_date": r["evaluation_date"],
                          "signer_name": r["signer_name"], "origin": r["origin"],
                          "version": r["version"]} for r in rows], columns=FORM_COLUMNS)


@dataclass(frozen=True)
class FormDetail:
    """One stored form in full: header, nine items, signer, date, origin and every version."""

    response_id: int
    provider_id: int
    client_id: int
    year: int
    header: dict[str, Any]
    items: pd.DataFrame
    total: int
    signer_name: str
    signer_title: str
    signer_phone: str
    evaluation_date: date
    submitted_at: datetime
    origin: str
    entered_by: str
    reason: str
    comment: str
    version: int
    record_hash: str
    signature_png: bytes | None
    seal_image: bytes | None
    has_scan: bool
    versions: pd.DataFrame


def displayable_image(data: bytes | None) -> bytes | None:
    """Return image bytes that decode as PNG/JPEG (a damaged or missing image gives None)."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError):
        return None
    return data


def form_detail(*, session: Session, actor: Actor, response_id: int) -> FormDetail:
    """Return one form version in full with the history of its invitation's versions."""
    record = get_response(session=session, actor=actor, response_id=response_id)
    require_read(actor, record.provider_id)
    items = pd.DataFrame([{"no": item.no, "name_zh": item.name_zh, "name_en": item.name_en,
                           "max": item.max_score, "score": getattr(record, f"item{item.no}")}
                          for item in ITEMS])
    history = response_versions(session=session, actor=actor, invitation_id=record.invitation_id)
    versions = pd.DataFrame([{"response_id": v.id, "version": v.version, "total": v.total,
                              "evaluation_date": v.evaluation_date, "signer_name": v.signer_name,
                              "origin": v.origin, "entered_by": v.entered_by or (
                                  "client" if v.origin == "web" else ""),
                              "submitted_at": v.submitted_at, "reason": v.reason,
                              "receipt": receipt_code(v.record_hash),
                              "record_hash": v.record_hash} for v in history])
    assert record.id is not None
    return FormDetail(
        response_id=record.id, provider_id=record.provider_id, client_id=record.client_id,
        year=record.year, header=json.loads(record.header_json), items=items,
        total=record.total, signer_name=record.signer_name, signer_title=record.signer_title,
        signer_phone=record.signer_phone, evaluation_date=record.evaluation_date,
        submitted_at=record.submitted_at, origin=record.origin,
        entered_by=record.entered_by or ("client" if record.origin == "web" else ""),
        reason=record.reason, comment=record.comment,
        version=record.version, record_hash=record.record_hash,
        signature_png=displayable_image(record.signature_png),
        seal_image=displayable_image(record.seal_image),
        has_scan=record.scan is not None, versions=versions,
    )
