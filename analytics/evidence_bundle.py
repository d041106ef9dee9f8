"""The annual callback evidence bundle: a zip of evidence.pdf, spreadsheets, scans and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from analytics.eligibility_json import inputs_to_json
from analytics.evidence_data import STAR_NAMES, EvidenceData
from analytics.evidence_pdf import RenderedPDF, render_evidence_pdf, scan_file_name
from analytics.evidence_tables import TableRow, csv_bytes, row_from_fields, xlsx_bytes
from analytics.pdf_signing import sign_pdf
from surveys.form_a1 import FORM_ID
from surveys.keys import Signer
from surveys.models import Response
from surveys.records import RECORD_FORMATS, canonical_bytes, sha256_hex
from surveys.settings import Settings

BUNDLE_FORMAT = "star-survey/bundle/2"
MANIFEST = "manifest.json"
Progress = Callable[[int, int, str], None]


def image_file_name(data: bytes) -> str:
    """Return the bundle path of an image: images/<sha256>.<png|jpg|bin>."""
    ext = "png" if data[:4] == b"\x89PNG" else "jpg" if data[:2] == b"\xff\xd8" else "bin"
    return f"images/{sha256_hex(data)}.{ext}"


def manifest_digest(manifest: dict[str, Any]) -> str:
    """Return the hex SHA-256 of the manifest's canonical bytes without its signature."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def table_rows(data: EvidenceData) -> tuple[list[TableRow], list[TableRow]]:
    """Return the spreadsheet rows of the current forms and of the superseded versions."""
    def rows(records: list[Response], status: str) -> list[TableRow]:
        out = []
        for r in records:
            entry = data.record(r.id)
            out.append(row_from_fields(entry.response_id, entry.fields, entry.record_hash,
                                       status))
        return out
    return rows(data.current, "current"), rows(data.history, "superseded")


def summary_pairs(data: EvidenceData) -> list[tuple[str, Any]]:
    """Return the (label, value) lines of the summary sheet."""
    head = data.head
    return [
        ("服务单位名称 provider", data.provider["name"]),
        ("服务主管部门名称 department", data.provider["department"]),
        ("主管负责人 person in charge", data.provider["manager"]),
        ("联系电话 phone", data.provider["phone"]),
        ("年度 year", data.year),
        ("回访开始 campaign opens", data.opens.isoformat()),
        ("回访截止 campaign closes", data.closes.isoformat()),
        ("邀请单位数 units invited", len(data.invited)),
        ("回复单位数 units responded", len(data.current)),
        ("平均总分 mean score", data.mean_total),
        ("支持的星级 star level by score", data.star),
        ("星级名称 star name", STAR_NAMES[data.star][0]),
        ("链头哈希 chain head hash", head.record_hash if head else ""),
        ("公钥指纹 key fingerprint", data.key_fingerprint),
        ("表单 form", FORM_ID),
    ]


def _attachments(data: EvidenceData) -> dict[str, bytes]:
    """Return the scans and images of the year's forms by bundle path."""
    files: dict[str, bytes] = {}
    for r in [*data.current, *data.history]:
        if r.scan is not None:
            files[scan_file_name(r)] = r.scan
        for image in (r.signature_png, r.seal_image):
            if image is not None:
                files[image_file_name(image)] = image
    return files


def provenance_json(data: EvidenceData) -> dict[str, Any]:
    """Return the manifest's account of overrides, campaign events and late forms."""
    prov = data.provenance
    return {
        "overrides": [{"web": o.web.id, "replacement": o.replacement.id} for o in prov.overrides],
        "late": [r.id for r in prov.late],
        "campaign_events": [{"at": e.at.isoformat(), "action": e.action, "username": e.username,
                             "reason": e.reason} for e in prov.events],
    }


def build_manifest(data: EvidenceData, files: dict[str, bytes], signer: Signer,
                   rendered: RenderedPDF) -> dict[str, Any]:
    """Return the signed manifest: records, chain head, public key and every file's SHA-256."""
    head = data.head
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "record_formats": list(RECORD_FORMATS),
        "form_id": FORM_ID,
        "provider_id": data.provider_id,
        "provider": data.provider,
        "year": data.year,
        "campaign": {"opens": data.opens.isoformat(), "closes": data.closes.isoformat()},
        "invited": [{"client_id": cid, "name": name} for cid, name in data.invited],
        "summary": {"units_invited": len(data.invited), "units_responded": len(data.current),
                    "mean_total": data.mean_total, "star_by_score": data.star},
        "generated_at": data.generated_at.isoformat(),
        "base_url": data.base_url,
        "public_key": {"pem": data.public_key_pem, "fingerprint": data.key_fingerprint},
        "chain": {"length": len(data.chain), "head_seq": head.fields["seq"] if head else 0,
                  "head_hash": head.record_hash if head else None},
        "year_records": {"current": [r.id for r in data.current],
                         "superseded": [r.id for r in data.history]},
        "pdf": {"pages": rendered.pages, "summary_pages": rendered.summary_pages,
                "form_pages": {str(rid): list(span) for rid, span in rendered.form_pages.items()}},
        "eligibility": {"inputs": inputs_to_json(data.eligibility_inputs, data.client_names),
                        "result": data.eligibility.to_json()},
        "provenance": provenance_json(data),
        "records": [entry.manifest_entry(data.year) for entry in data.chain],
        "files": {path: hashlib.sha256(content).hexdigest()
                  for path, content in sorted(files.items())},
    }
    manifest["signature"] = signer.sign(manifest_digest(manifest))
    return manifest


def build_bundle(data: EvidenceData, signer: Signer, progress: Progress | None = None, *,
                 pdf_settings: Settings | None = None) -> bytes:
    """Return the zip bytes of the evidence bundle, reporting progress as pages are drawn.

    With pdf_settings, evidence.pdf is signed (PAdES) and timestamped by its TSAs (tsa).
    """
    steps = len(data.current) + 4

    def note(done: int, _total: int, label: str) -> None:
        if progress is not None:
            progress(done, steps, label)

    rendered = render_evidence_pdf(data, note)
    pdf = rendered.content
    if pdf_settings is not None:  # tsa: the PDF signature, over the PDF exactly as rendered
        pdf = sign_pdf(pdf, settings=pdf_settings, timestamp_urls=pdf_settings.tsa_urls)
    current, history = table_rows(data)
    files = {"evidence.pdf": pdf, "responses.csv": csv_bytes([*current, *history]),
             "responses.xlsx": xlsx_bytes(summary_pairs(data), current, history)}
    files.update(_attachments(data))
    note(steps - 1, steps, "tables")
    manifest = build_manifest(data, files, signer, rendered)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for path, content in files.items():
            archive.writestr(path, content)
    note(steps, steps, "done")
    return buffer.getvalue()
