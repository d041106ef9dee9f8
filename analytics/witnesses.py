"""Clients as witnesses: a reproducible sample of clients to call, and the codes they read out.

A client's receipt code is the first 16 hex digits of the hash of the version it submitted. If
the provider later altered or replaced that version, the code the client reads from its own
receipt no longer names the bundle's current version of its form. The provider cannot forge
this check without the client's cooperation: it holds no copy of the client's receipt once it
is printed or saved on the client's phone.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from typing import Any

from surveys.records import receipt_code, receipt_prefix

MAX_RECEIPT_FILE = 1_000_000  # bytes
MAX_RECEIPT_ROWS = 5_000
CLIENT_HEADINGS = ("client", "用户单位", "用户单位名称")
CODE_HEADINGS = ("receipt", "receipt_code", "code", "回执码")


@dataclass(frozen=True)
class Witness:
    """A client the assessor may call: who, whom to ask for, and how to reach them."""

    client_id: int
    name: str
    manager: str
    phone: str
    signer: str
    signer_phone: str


def year_forms(manifest: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """Return the year's signed versions by client id, oldest first (records with content)."""
    year = manifest.get("year")
    forms: dict[int, list[dict[str, Any]]] = {}
    for raw in manifest.get("records") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("content"), dict):
            continue
        envelope = raw.get("envelope")
        if not isinstance(envelope, dict) or envelope.get("year") != year:
            continue
        content = raw["content"]
        forms.setdefault(int(content.get("client_id", 0)), []).append({**raw, "view": content})
    for versions in forms.values():
        versions.sort(key=lambda r: int(r["view"].get("version", 0)))
    return forms


def sample_witnesses(manifest: dict[str, Any], n: int, seed: str) -> list[Witness]:
    """Return n clients with a form in the bundle, picked reproducibly from the seed and head."""
    forms = year_forms(manifest)
    head = str((manifest.get("chain") or {}).get("head_hash"))
    rng = random.Random(f"star-survey/sample/1:{seed}:{head}")
    chosen = rng.sample(sorted(forms), min(max(n, 0), len(forms)))
    witnesses = []
    for client_id in chosen:
        view = forms[client_id][-1]["view"]
        client = (view.get("header") or {}).get("client") or {}
        witnesses.append(Witness(client_id, str(client.get("name", "")),
                                 str(client.get("manager", "")), str(client.get("phone", "")),
                                 str(view.get("signer_name", "")),
                                 str(view.get("signer_phone", ""))))
    return witnesses


def read_receipt_codes(data: bytes) -> list[tuple[int, str, str]]:
    """Return (line, client, code) rows of a receipts CSV, or raise ValueError naming the line."""
    if len(data) > MAX_RECEIPT_FILE:
        raise ValueError(f"the receipts file is larger than {MAX_RECEIPT_FILE} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("the receipts file is not UTF-8 text") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError("the receipts file is empty")
    heads = [cell.strip().lower() for cell in rows[0]]
    try:
        who = next(i for i, h in enumerate(heads) if h in CLIENT_HEADINGS)
        what = next(i for i, h in enumerate(heads) if h in CODE_HEADINGS)
    except StopIteration as exc:
        raise ValueError("the receipts file needs the columns client (用户单位) and receipt "
                         "(回执码)") from exc
    if len(rows) - 1 > MAX_RECEIPT_ROWS:
        raise ValueError(f"the receipts file has more than {MAX_RECEIPT_ROWS} rows")
    found = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if max(who, what) >= len(row):
            raise ValueError(f"line {line}: a column is missing")
        found.append((line, row[who].strip(), row[what].strip()))
    return found


def _client_of(forms: dict[int, list[dict[str, Any]]], invited: dict[int, str],
               named: str) -> int | None:
    """Return the client id a cell names (id or name, as invited or as signed), or None."""
    if named.isdigit() and int(named) in invited:
        return int(named)
    for client_id, name in invited.items():
        if name == named:
            return client_id
    for client_id, versions in forms.items():
        client = (versions[-1]["view"].get("header") or {}).get("client") or {}
        if client.get("name") == named:
            return client_id
    return None


def check_receipts(manifest: dict[str, Any], rows: list[tuple[int, str, str]]) -> list[str]:
    """Return a problem for each client whose code is not its current version in the bundle."""
    forms = year_forms(manifest)
    invited = {int(c["client_id"]): str(c.get("name", "")) for c in manifest.get("invited") or []
               if isinstance(c, dict) and isinstance(c.get("client_id"), int)}
    problems = []
    for line, named, code in rows:
        client_id = _client_of(forms, invited, named)
        prefix = receipt_prefix(code)
        who = f"receipts line {line}: client {named}"
        if prefix is None:
            problems.append(f"{who}: '{code}' is not a receipt code (16 hex digits)")
        elif client_id is None or client_id not in forms:
            problems.append(f"{who}: missing — no form of this client is in the bundle")
        else:
            problems += _compare(who, prefix, forms[client_id])
    return problems


def _compare(who: str, prefix: str, versions: list[dict[str, Any]]) -> list[str]:
    """Return what differs between a client's receipt code and its versions in the bundle."""
    current = versions[-1]
    if str(current["record_hash"]).startswith(prefix):
        return []
    for older in versions[:-1]:
        if str(older["record_hash"]).startswith(prefix):
            view = current["view"]
            return [f"{who}: superseded — the client's receipt names version "
                    f"{older['view'].get('version')} (total {older['view'].get('total')}), the "
                    f"bundle's current version is {view.get('version')} (total "
                    f"{view.get('total')}, {view.get('origin')} entered by "
                    f"{view.get('entered_by') or '?'}, reason: {view.get('reason') or '—'})"]
    return [f"{who}: altered — no version in the bundle has this receipt code; the current "
            f"version's code is {receipt_code(str(current['record_hash']))}"]
