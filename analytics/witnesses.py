"""Clients as witnesses: a reproducible sample of clients to call, and the codes they read out.

A client's receipt code is the first 16 hex digits of the hash of the version it submitted. If
the provider later altered or replaced that version, the code the client reads from its own
receipt no longer names the bundle's current version of its form. The provider cannot forge
this check without the client's cooperation: it holds no copy of the client's receipt once it
is printed or saved on the client's phone.

The manifest is the provider's data: every function here type-checks what it reads, names each
malformed part in the caller's problems list (e.g. "manifest.json: record #3: content.client_id
is not an integer") and leaves that part out; none raises on what a manifest holds.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from typing import Any

from surveys.models import RECORD_FORMAT_1
from surveys.records import receipt_code, receipt_prefix

MAX_RECEIPT_FILE = 1_000_000  # bytes
MAX_RECEIPT_ROWS = 5_000
CLIENT_HEADINGS = ("client", "用户单位", "用户单位名称")
CODE_HEADINGS = ("receipt", "receipt_code", "code", "回执码")
CLIENT_ID = re.compile(r"[0-9]{1,18}")  # a client cell that names an id
TEXTS = ("name", "manager", "phone")  # of content.header.client


@dataclass(frozen=True)
class Witness:
    """A client the assessor may call: who, whom to ask for, and how to reach them."""

    client_id: int
    name: str
    manager: str
    phone: str
    signer: str
    signer_phone: str


@dataclass(frozen=True)
class Form:
    """One signed version of a client's form, as the manifest states it (values type-checked)."""

    client_id: int
    version: int
    record_hash: str
    client: dict[str, str]  # content.header.client: name, manager, phone
    signer: str
    signer_phone: str
    view: dict[str, Any]  # the signed content, for messages only


def _int(value: Any) -> int | None:
    """Return value if it is a JSON integer (not a boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(where: str, value: Any, problems: list[str]) -> str:
    """Return value if it is text ('' when absent), else '' and a problem naming where."""
    if value is None or isinstance(value, str):
        return value or ""
    problems.append(f"{where} is not text")
    return ""


def _obj(where: str, value: Any, problems: list[str]) -> dict[str, Any]:
    """Return value if it is an object ({} when absent), else {} and a problem naming where."""
    if value is None or isinstance(value, dict):
        return value or {}
    problems.append(f"{where} is not an object")
    return {}


def year_forms(manifest: dict[str, Any], problems: list[str]) -> dict[int, list[Form]]:
    """Return the year's signed versions by client id, oldest first; name each malformed part."""
    year, records = _int(manifest.get("year")), manifest.get("records")
    if year is None:
        problems.append("manifest.json: 'year' is not an integer")
    if not isinstance(records, list):
        problems.append("manifest.json: 'records' is not a list")
    if year is None or not isinstance(records, list):
        return {}
    forms: dict[int, list[Form]] = {}
    for index, raw in enumerate(records, start=1):
        form = _form(f"manifest.json: record #{index}", raw, year, problems)
        if form is not None:
            forms.setdefault(form.client_id, []).append(form)
    for versions in forms.values():
        versions.sort(key=lambda f: f.version)
    return forms


def _form(where: str, raw: Any, year: int, problems: list[str]) -> Form | None:
    """Return a record's form when it is of the year; None, naming what is malformed, if not."""
    if not isinstance(raw, dict):
        problems.append(f"{where} is not an object")
        return None
    envelope, content = raw.get("envelope"), raw.get("content")
    if content is None:  # another year's record, or a record/1 whose envelope holds it all
        if (isinstance(envelope, dict) and envelope.get("year") == year
                and envelope.get("format") != RECORD_FORMAT_1):
            problems.append(f"{where}: a form of the year without its content")
        return None
    if not isinstance(content, dict) or not isinstance(envelope, dict):
        part = "content" if not isinstance(content, dict) else "envelope"
        problems.append(f"{where}: {part} is not an object")
        return None
    if _int(envelope.get("year")) is None:
        problems.append(f"{where}: envelope.year is not an integer")
    if envelope.get("year") != year:
        return None
    client_id, version = _int(content.get("client_id")), _int(content.get("version"))
    record_hash = raw.get("record_hash")
    for part, ok in (("content.client_id is not an integer", client_id is not None),
                     ("content.version is not an integer", version is not None),
                     ("record_hash is not text", isinstance(record_hash, str))):
        if not ok:
            problems.append(f"{where}: {part}")
    if client_id is None or version is None or not isinstance(record_hash, str):
        return None
    header = _obj(f"{where}: content.header", content.get("header"), problems)
    client = _obj(f"{where}: content.header.client", header.get("client"), problems)
    return Form(client_id, version, record_hash,
                {k: _text(f"{where}: content.header.client.{k}", client.get(k), problems)
                 for k in TEXTS},
                _text(f"{where}: content.signer_name", content.get("signer_name"), problems),
                _text(f"{where}: content.signer_phone", content.get("signer_phone"), problems),
                content)


def sample_witnesses(manifest: dict[str, Any], n: int, seed: str,
                     problems: list[str]) -> list[Witness]:
    """Return n clients with a form in the bundle, picked reproducibly from the seed and head.

    Each malformed part of the manifest is named in problems; its forms are not drawn from.
    """
    forms = year_forms(manifest, problems)
    chain = _obj("manifest.json: 'chain'", manifest.get("chain"), problems)
    head = chain.get("head_hash")
    if head is not None and not isinstance(head, str):
        problems.append("manifest.json: chain.head_hash is not text")
        head = None
    # Seeded with the text's UTF-8 bytes, as random.Random(text) is; surrogatepass lets a lone
    # surrogate (in a hostile head, or an --seed of undecodable bytes) seed instead of raising.
    rng = random.Random(f"star-survey/sample/1:{seed}:{head}".encode("utf-8", "surrogatepass"))
    chosen = rng.sample(sorted(forms), min(max(n, 0), len(forms)))
    witnesses = []
    for client_id in chosen:
        form = forms[client_id][-1]
        witnesses.append(Witness(client_id, form.client["name"], form.client["manager"],
                                 form.client["phone"], form.signer, form.signer_phone))
    return witnesses


def read_receipt_codes(data: bytes) -> list[tuple[int, str, str]]:
    """Return (line, client, code) rows of a receipts CSV, or raise ValueError naming the line."""
    if len(data) > MAX_RECEIPT_FILE:
        raise ValueError(f"the receipts file is larger than {MAX_RECEIPT_FILE} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("the receipts file is not UTF-8 text") from exc
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a field over the csv module's limit
        raise ValueError(f"line {reader.line_num}: {exc}") from exc
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


def _client_of(forms: dict[int, list[Form]], invited: dict[int, str], named: str) -> int | None:
    """Return the client id a cell names (id or name, as invited or as signed), or None."""
    if CLIENT_ID.fullmatch(named) and int(named) in invited:
        return int(named)
    for client_id, name in invited.items():
        if name == named:
            return client_id
    for client_id, versions in forms.items():
        if versions[-1].client["name"] == named:
            return client_id
    return None


def _invited(manifest: dict[str, Any], problems: list[str]) -> dict[int, str]:
    """Return the invited clients' names by id; name each malformed entry in problems."""
    listed = manifest.get("invited")
    if listed is None:
        return {}
    if not isinstance(listed, list):
        problems.append("manifest.json: 'invited' is not a list")
        return {}
    invited = {}
    for index, entry in enumerate(listed, start=1):
        where = f"manifest.json: invited #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
        elif _int(entry.get("client_id")) is None:
            problems.append(f"{where}: client_id is not an integer")
        else:
            invited[entry["client_id"]] = _text(f"{where}: name", entry.get("name"), problems)
    return invited


def check_receipts(manifest: dict[str, Any], rows: list[tuple[int, str, str]],
                   problems: list[str]) -> list[str]:
    """Return a problem for each client whose code is not its current version in the bundle.

    Each malformed part of the manifest is named in problems (the codes are checked without it).
    """
    forms = year_forms(manifest, problems)
    invited = _invited(manifest, problems)
    found = []
    for line, named, code in rows:
        client_id = _client_of(forms, invited, named)
        prefix = receipt_prefix(code)
        who = f"receipts line {line}: client {named}"
        if prefix is None:
            found.append(f"{who}: '{code}' is not a receipt code (16 hex digits)")
        elif client_id is None or client_id not in forms:
            found.append(f"{who}: missing — no form of this client is in the bundle")
        else:
            found += _compare(who, prefix, forms[client_id])
    return found


def _compare(who: str, prefix: str, versions: list[Form]) -> list[str]:
    """Return what differs between a client's receipt code and its versions in the bundle."""
    current = versions[-1]
    if current.record_hash.startswith(prefix):
        return []
    for older in versions[:-1]:
        if older.record_hash.startswith(prefix):
            view = current.view
            return [f"{who}: superseded — the client's receipt names version "
                    f"{older.version} (total {older.view.get('total')}), the "
                    f"bundle's current version is {current.version} (total "
                    f"{view.get('total')}, {view.get('origin')} entered by "
                    f"{view.get('entered_by') or '?'}, reason: {view.get('reason') or '—'})"]
    return [f"{who}: altered — no version in the bundle has this receipt code; the current "
            f"version's code is {receipt_code(current.record_hash)}"]
