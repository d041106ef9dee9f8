"""Offline check of an evidence bundle with nothing but the bundle: files, records, chain, tables."""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, cast

from analytics.bundle_anchors import check_bundle_anchors
from analytics.bundle_claims import check_eligibility, check_override_pages, check_provenance
from analytics.bundle_tables import check_tables
from analytics.evidence_bundle import MANIFEST, manifest_digest
from analytics.report import round2
from analytics.stars import star_by_mean
from surveys.form_a1 import ITEMS
from surveys.keys import fingerprint, load_public_key, verify_signature
from surveys.models import RECORD_FORMAT_1
from surveys.records import record_view
from surveys.verify import entry_from_parts, verify_entries
from surveys.verify_anchors import DEFAULT_MAX_DELAY

T = TypeVar("T")
# What reading a hostile zip raises besides BadZipFile: an encrypted entry (RuntimeError), an
# unknown compression method (NotImplementedError), corrupt compressed data (zlib, lzma, EOFError).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError,
              EOFError, zlib.error, lzma.LZMAError)


@dataclass
class BundleResult:
    """The outcome of checking a bundle: what was checked and every problem, by name."""

    records: int = 0
    key_fingerprint: str = ""
    head: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not self.problems

    def summary(self) -> str:
        """Return a one-line summary naming the key fingerprint to compare with 'key show'."""
        state = "OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)"
        return (f"bundle: {self.records} signed records; chain head {self.head}; "
                f"public key fingerprint {self.key_fingerprint}; {state}")


def verify_bundle(data: bytes, *, use_pdftotext: bool = True,
                  max_anchor_delay: timedelta = DEFAULT_MAX_DELAY,
                  trusted_roots: list[bytes] | None = None) -> BundleResult:
    """Return the result of checking a bundle's bytes offline (timestamps included)."""
    result = BundleResult()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = {info.filename: archive.read(info) for info in archive.infolist()
                 if not info.is_dir()}
    except ZIP_ERRORS as exc:
        result.problems.append(f"not a readable zip file: {exc}")
        return result
    if MANIFEST not in files:
        result.problems.append("manifest.json missing")
        return result
    try:
        manifest = json.loads(files.pop(MANIFEST).decode("utf-8"))
        if not isinstance(manifest, dict):
            raise TypeError("not a JSON object")
        key = load_public_key(_obj(manifest.get("public_key"))["pem"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        result.problems.append(f"manifest.json unreadable: {type(exc).__name__}: {exc}"[:300])
        return result
    result.key_fingerprint = fingerprint(key)
    problems = result.problems
    if manifest["public_key"].get("fingerprint") != result.key_fingerprint:
        problems.append("manifest.json: the stated key fingerprint is not the key's")
    if not guarded(problems, "the manifest signature", lambda: verify_signature(
            key, manifest_digest(manifest), str(manifest.get("signature"))), True):
        problems.append("manifest.json: signature invalid (manifest altered)")
    guarded(problems, "the file hashes", lambda: _check_files(files, manifest, problems))
    records = guarded(problems, "the records", lambda: _check_records(manifest, key, result), {})
    year = guarded(problems, "the year's forms",
                   lambda: _year_records(manifest, records, problems),
                   {"current": [], "superseded": []})
    guarded(problems, "the attachments", lambda: _check_attachments(files, year, problems))
    guarded(problems, "the summary", lambda: _check_summary(manifest, year, problems))
    guarded(problems, "the §5 verdict", lambda: check_eligibility(manifest, year, problems))
    overrides, _late = guarded(problems, "the provenance", lambda: check_provenance(
        manifest, year, problems, result.notes), ([], {}))
    guarded(problems, "the anchors", lambda: check_bundle_anchors(
        manifest, records, max_delay=max_anchor_delay, trusted_roots=trusted_roots,
        problems=problems, notes=result.notes))
    guarded(problems, "the spreadsheets", lambda: check_tables(files, year, problems))
    if use_pdftotext and shutil.which("pdftotext") and "evidence.pdf" in files:
        guarded(problems, "evidence.pdf", lambda: _check_pdf(
            files["evidence.pdf"], manifest, year, problems, (overrides, records)))
    else:
        result.notes.append("pdftotext not available: the PDF text was not compared")
    return result


def guarded(problems: list[str], what: str, check: Callable[[], T], default: Any = None) -> T:
    """Return check(); when malformed manifest data makes it raise, name that and return default.

    A manifest is data from the party being assessed: whatever it holds, the verifier reports
    FAILED with the part it could not check and goes on with the rest; it never crashes.
    """
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure on hostile data is a finding
        problems.append(f"manifest.json malformed: {what} could not be checked "
                        f"({type(exc).__name__}: {exc})"[:300])
        return cast(T, default)


def read_manifest(data: bytes) -> dict[str, Any] | None:
    """Return the parsed manifest.json of a bundle, or None when it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (*ZIP_ERRORS, KeyError, RecursionError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _check_files(files: dict[str, bytes], manifest: dict[str, Any], problems: list[str]) -> None:
    """Compare every file's SHA-256 with the manifest; name added, missing and altered files."""
    listed: dict[str, str] = manifest.get("files") or {}
    for name in sorted(set(files) - set(listed)):
        problems.append(f"file {name}: not listed in the manifest (added)")
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(f"file {name}: missing from the bundle")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"file {name}: SHA-256 does not match the manifest (altered)")


def _obj(value: Any) -> dict[str, Any]:
    """Return value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """Return value if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def _record_entries(manifest: dict[str, Any], problems: list[str]) -> list[dict[str, Any]]:
    """Return the manifest's record entries that are objects, naming any that is not."""
    raw_records = manifest.get("records")
    if not isinstance(raw_records, list):
        problems.append("manifest.json: 'records' is not a list")
        return []
    entries = []
    for index, raw in enumerate(raw_records):
        if isinstance(raw, dict):
            entries.append(raw)
        else:
            problems.append(f"manifest.json: record #{index + 1} is not an object")
    return entries


def _check_records(manifest: dict[str, Any], key: Any, result: BundleResult
                   ) -> dict[int, dict[str, Any]]:
    """Check every record's hash and signature and the chain; return records by response id.

    Each returned record carries 'view' (its signed values, flat) and 'has_content'.
    """
    records: dict[int, dict[str, Any]] = {}
    entries = []
    for raw in _record_entries(manifest, result.problems):
        envelope = raw.get("envelope", raw.get("canonical"))  # bundle/1 carried 'canonical'
        content = raw.get("content")
        rid = raw.get("response_id")
        rid = rid if isinstance(rid, int) and not isinstance(rid, bool) else None
        entry = entry_from_parts(envelope, content, response_id=rid,
                                 stored_hash=raw.get("record_hash"),
                                 signature=raw.get("signature"), key_id=raw.get("key_id"))
        entries.append(entry)
        if rid is not None and isinstance(envelope, dict) and not entry.malformed:
            view = record_view(envelope, content if isinstance(content, dict) else None)
            records[rid] = {**raw, "view": view,
                            "has_content": envelope.get("format") == RECORD_FORMAT_1
                            or isinstance(content, dict)}
    checked = verify_entries(entries, key)
    result.records = checked.records
    result.problems.extend(p.message for p in checked.problems)
    provider_id = manifest.get("provider_id")
    if not isinstance(provider_id, int) or isinstance(provider_id, bool):
        result.problems.append("manifest.json: 'provider_id' is not an integer")
    if any(e.provider_id != provider_id for e in entries):
        result.problems.append("records of another provider are mixed into the chain")
    chain = _obj(manifest.get("chain"))
    result.head = checked.heads.get(provider_id) if isinstance(provider_id, int) else None
    if result.head != chain.get("head_hash"):
        result.problems.append(f"chain head {result.head} is not the manifest's "
                               f"{chain.get('head_hash')} (records removed or added)")
    if entries and max(e.seq for e in entries) != chain.get("head_seq"):
        result.problems.append("the chain's last seq is not the manifest's head_seq")
    return records


def _year_records(manifest: dict[str, Any], records: dict[int, dict[str, Any]],
                  problems: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the year's current and superseded records, checking the manifest's lists."""
    year = manifest.get("year")
    in_year = {rid: r for rid, r in records.items() if r["view"].get("year") == year}
    for rid, r in sorted(in_year.items()):
        if not r["has_content"]:
            problems.append(f"response {rid}: a record of the year is in the bundle without "
                            "its content")
    in_year = {rid: r for rid, r in in_year.items() if r["has_content"]}
    superseded_ids = {r["view"].get("supersedes_id") for r in records.values()}
    current = sorted(rid for rid in in_year if rid not in superseded_ids)
    stated = _obj(manifest.get("year_records"))
    stated_current, stated_history = _list(stated.get("current")), _list(stated.get("superseded"))
    if sorted(map(str, stated_current)) != sorted(map(str, current)):
        problems.append("manifest.json: the year's current forms are not the signed ones")
    history = sorted(rid for rid in in_year if rid in superseded_ids)
    if sorted(map(str, stated_history)) != sorted(map(str, history)):
        problems.append("manifest.json: the year's superseded versions are not the signed ones")
    order = {rid: i for i, rid in enumerate(stated_current) if isinstance(rid, int)}
    return {"current": [in_year[rid] for rid in sorted(current, key=lambda r: order.get(r, 0))],
            "superseded": [in_year[rid] for rid in history]}


def _check_attachments(files: dict[str, bytes], year: dict[str, list[dict[str, Any]]],
                       problems: list[str]) -> None:
    """Check that each signed image and scan of the year is in the bundle with its hash."""
    by_hash = {hashlib.sha256(content).hexdigest(): name for name, content in files.items()
               if name.startswith(("images/", "scans/"))}
    for raw in [*year["current"], *year["superseded"]]:
        fields = raw["view"]
        for what in ("signature_sha256", "seal_sha256", "scan_sha256"):
            digest = fields.get(what)
            if digest and digest not in by_hash:
                problems.append(f"response {raw['response_id']}: the signed {what[:-7]} "
                                f"(sha256 {digest[:16]}…) is not in the bundle")


def _check_summary(manifest: dict[str, Any], year: dict[str, list[dict[str, Any]]],
                   problems: list[str]) -> None:
    """Check the stated count, mean and star level against the signed current forms."""
    totals = [int(r["view"]["total"]) for r in year["current"]]
    mean = Fraction(sum(totals), len(totals)) if totals else None
    summary = manifest.get("summary") or {}
    if summary.get("units_responded") != len(totals):
        problems.append("manifest.json: units responded differs from the signed forms")
    if summary.get("mean_total") != round2(mean):
        problems.append(f"manifest.json: mean score {summary.get('mean_total')} differs from "
                        f"the signed forms' {round2(mean)}")
    if summary.get("star_by_score") != star_by_mean(mean):
        problems.append("manifest.json: the star level is not the one the signed forms support")


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Return the text of each page of a PDF (pdftotext -layout)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evidence.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              check=False, timeout=300)
    if done.returncode != 0:
        raise ValueError(done.stderr.decode(errors="replace").strip() or "pdftotext failed")
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _check_pdf(pdf: bytes, manifest: dict[str, Any], year: dict[str, list[dict[str, Any]]],
               problems: list[str],
               overrides: tuple[list[tuple[int, int]], dict[int, dict[str, Any]]]) -> None:
    """Check that each form page of evidence.pdf shows the signed scores, total and signer."""
    try:
        pages = pdf_pages_text(pdf)
    except (ValueError, OSError, subprocess.SubprocessError) as exc:
        problems.append(f"evidence.pdf: unreadable ({exc})")
        return
    layout = manifest.get("pdf") or {}
    if len(pages) != layout.get("pages"):
        problems.append(f"evidence.pdf: {len(pages)} pages, the manifest says {layout.get('pages')}")
        return
    head = (manifest.get("chain") or {}).get("head_hash") or ""
    if head and head not in pages[0].replace(" ", ""):
        problems.append("evidence.pdf: the cover does not show the chain head hash")
    spans = layout.get("form_pages") or {}
    first_form = min((s[0] for s in spans.values() if isinstance(s, list) and s), default=1)
    check_override_pages("\n".join(pages[:max(first_form - 1, 1)]), overrides[0], overrides[1],
                         problems)
    for raw in year["current"]:
        span = spans.get(str(raw["response_id"]))
        if not span or not 1 <= span[0] <= span[1] <= len(pages):
            problems.append(f"evidence.pdf: no page of response {raw['response_id']}")
            continue
        problems.extend(page_problems(raw, "\n".join(pages[span[0] - 1:span[1]])))


def legible(text: str) -> str:
    """Return only the letters and digits of text (NFKC): what any PDF shows of a name.

    Spaces of every kind, joiners, direction marks, controls and emoji are dropped on both
    sides: they depend on the font and the text extractor, not on what was signed, and the
    signed value itself is checked against its hash elsewhere.
    """
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(ch)[0] in "LN")


def page_problems(raw: dict[str, Any], text: str) -> list[str]:
    """Return how one form page's text disagrees with its signed record."""
    fields, name = raw["view"], f"evidence.pdf: page of response {raw['response_id']}"
    found = []
    if raw["record_hash"] not in text:
        found.append(f"{name}: record hash missing (pages out of order or altered)")
    for item, score in zip(ITEMS, fields["items"], strict=True):
        match = re.search(rf"(?m)^\s*{item.no}\s+{item.name_zh}\s+{item.max_score}\s+(\d+)\s*$",
                          text)
        if match is None or int(match.group(1)) != score:
            found.append(f"{name}: item {item.no} does not show the signed score {score}")
    total = re.search(r"评价总分值\s+100\s+(\d+)", text)
    if total is None or int(total.group(1)) != fields["total"]:
        found.append(f"{name}: the total does not show the signed {fields['total']}")
    signer = legible(str(fields["signer_name"]))
    if signer and signer not in legible(text):
        found.append(f"{name}: the signer {fields['signer_name']} is not shown")
    return found
