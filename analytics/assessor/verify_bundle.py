#!/usr/bin/env python3
"""Stand-alone verifier of a star-survey evidence bundle (评价证据包独立核验程序).

Needs only Python 3.9 or newer and the `cryptography` package (pip install cryptography).
It does not use star-survey's own code: it follows SPEC.md in this bundle. Usage:

    python verify_bundle.py evidence-2026.zip [--expect-key FINGERPRINT]
                            [--receipts codes.csv] [--max-anchor-delay HOURS]

Exit status 0 when every check holds, 1 when one fails (each failure is named), 2 when the
file cannot be read at all. What each check proves, and what it cannot, is in VERIFY.md.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import sys
import unicodedata
import zipfile
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

try:  # the RFC 3161 token check ships beside this file (tsa_check.py); optional
    import tsa_check  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a bundle without timestamp support
    tsa_check = None

MANIFEST = "manifest.json"
BEIJING = timezone(timedelta(hours=8))  # China keeps UTC+8 all year
GENESIS = "0" * 64
MAX_LISTED_GAP = 20  # a longer run of missing records is named as one range
FORMAT_1, FORMAT_2 = "star-survey/record/1", "star-survey/record/2"
ENVELOPE_KEYS = {"format", "provider_id", "year", "seq", "prev_hash", "submitted_at",
                 "content_sha256"}
# §5 of T/BAX-2022: minimum per star (None: no requirement). Shares are exact fractions.
CRITERIA = (
    ("units", {1: 2, 2: 4, 3: 6}),
    ("contract_amount", {1: None, 2: 300000, 3: 500000}),
    ("continuity", {1: None, 2: 1, 3: 2}),
    ("key_unit_share", {1: None, 2: Fraction(10, 100), 3: Fraction(15, 100)}),
    ("evaluation", {1: 85, 2: 90, 3: 95}),
)


def canonical(value: Any) -> bytes:
    """Return the canonical bytes of a JSON value (SPEC.md §2)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def is_int(value: Any) -> bool:
    """Return True for a JSON integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def obj(value: Any) -> dict[str, Any]:
    """Return value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def receipt_code(record_hash: str) -> str:
    """Return the receipt code of a record hash: 16 upper-case hex digits in groups of four."""
    head = record_hash[:16].upper()
    return "-".join(head[i:i + 4] for i in range(0, 16, 4))


class Report:
    """What was checked and every failure, by name."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def fail(self, text: str) -> None:
        """Record a failed check."""
        self.problems.append(text)


def signature_ok(key: Ed25519PublicKey, digest_hex: str, signature: Any) -> bool:
    """Return True when signature (base64) is the key's Ed25519 signature of the digest bytes."""
    try:
        key.verify(base64.b64decode(str(signature), validate=True), bytes.fromhex(digest_hex))
    except (InvalidSignature, ValueError):
        return False
    return True


def record_hash_of(entry: dict[str, Any]) -> tuple[str | None, str]:
    """Return (recomputed record hash, '' or why the record cannot be read)."""
    envelope, content = entry.get("envelope", entry.get("canonical")), entry.get("content")
    if not isinstance(envelope, dict) or envelope.get("format") not in (FORMAT_1, FORMAT_2):
        return None, "unknown record format"
    if not (is_int(envelope.get("seq")) and is_int(envelope.get("provider_id"))):
        return None, "seq or provider_id is not an integer"
    if envelope["format"] == FORMAT_2:
        if set(envelope) != ENVELOPE_KEYS:
            return None, "the envelope's keys are not the format's"
        if content is not None and (not isinstance(content, dict) or
                                    sha256_hex(canonical(content)) != envelope["content_sha256"]):
            return None, "content does not match the signed content hash"
    elif content is not None:
        return None, "a format-1 record has no separate content"
    return sha256_hex(canonical(envelope)), ""


def view_of(entry: dict[str, Any]) -> dict[str, Any]:
    """Return the record's signed values as one flat dict."""
    envelope = entry.get("envelope", entry.get("canonical")) or {}
    return {"entered_by": "", "reason": "", **(entry.get("content") or {}), **envelope}


def check_records(manifest: dict[str, Any], key: Ed25519PublicKey, report: Report
                  ) -> dict[int, dict[str, Any]]:
    """Check each record's hash, signature and the chain; return the records by response id."""
    entries = manifest.get("records")
    if not isinstance(entries, list):
        report.fail("manifest: 'records' is not a list")
        return {}
    key_id = sha256_hex(key.public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw))[:16]
    by_seq: dict[int, list[dict[str, Any]]] = {}
    records: dict[int, dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            report.fail(f"record #{index + 1}: not an object")
            continue
        name = f"response {entry.get('response_id')}"
        computed, why = record_hash_of(entry)
        if computed is None:
            report.fail(f"{name}: {why} — altered")
            continue
        if computed != entry.get("record_hash"):
            report.fail(f"{name}: hash mismatch — the record was altered")
        if not signature_ok(key, str(entry.get("record_hash")), entry.get("signature")):
            report.fail(f"{name}: signature invalid")
        if entry.get("key_id") and entry.get("key_id") != key_id:
            report.fail(f"{name}: signed with key {entry.get('key_id')}, not the bundle's key")
        view = view_of(entry)
        if view["provider_id"] != manifest.get("provider_id"):
            report.fail(f"{name}: a record of another provider is in the chain")
        by_seq.setdefault(view["seq"], []).append({**entry, "view": view})
        if is_int(entry.get("response_id")):
            records[entry["response_id"]] = {**entry, "view": view}
    check_chain(by_seq, manifest, report)
    return records


def check_chain(by_seq: dict[int, list[dict[str, Any]]], manifest: dict[str, Any],
                report: Report) -> None:
    """Check that seq runs 1..head without gap or fork and each prev_hash links to its parent."""
    last = max(by_seq, default=0)
    previous = 0
    for seq in sorted(s for s in by_seq if s >= 1):  # a huge seq must not mean a huge loop
        if seq - previous - 1 > MAX_LISTED_GAP:
            report.fail(f"chain: seq {previous + 1} to {seq - 1} missing "
                        f"({seq - previous - 1} records removed)")
        else:
            for missing in range(previous + 1, seq):
                report.fail(f"chain: seq {missing} missing (record removed)")
        previous = seq
        group = by_seq[seq]
        if len(group) > 1:
            report.fail(f"chain: seq {seq} used twice (fork)")
        parent = GENESIS if seq == 1 else (by_seq.get(seq - 1) or [{}])[0].get("record_hash")
        for entry in group:
            if parent is not None and entry["view"]["prev_hash"] != parent:
                report.fail(f"chain: seq {seq} does not link to seq {seq - 1} (reordered or "
                            "removed)")
    chain = obj(manifest.get("chain"))
    head = (by_seq.get(last) or [{}])[0].get("record_hash") if last else None
    if head != chain.get("head_hash") or last != chain.get("head_seq"):
        report.fail(f"chain: the head is seq {last} {head}, the manifest says "
                    f"{chain.get('head_seq')} {chain.get('head_hash')} (records removed or added)")


def year_forms(manifest: dict[str, Any], records: dict[int, dict[str, Any]],
               report: Report) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the year's current and superseded versions, checking the manifest's lists."""
    year = manifest.get("year")
    in_year = {rid: r for rid, r in records.items() if r["view"].get("year") == year}
    for rid, r in sorted(in_year.items()):
        if r["view"]["format"] == FORMAT_2 and "content" not in r:
            report.fail(f"response {rid}: a form of the year is in the bundle without content")
    in_year = {rid: r for rid, r in in_year.items() if "client_id" in r["view"]}
    replaced = {r["view"].get("supersedes_id") for r in records.values()}
    current = sorted(rid for rid in in_year if rid not in replaced)
    history = sorted(rid for rid in in_year if rid in replaced)
    stated = obj(manifest.get("year_records"))
    if sorted(map(str, stated.get("current") or [])) != sorted(map(str, current)):
        report.fail("manifest: the year's current forms are not the signed ones")
    if sorted(map(str, stated.get("superseded") or [])) != sorted(map(str, history)):
        report.fail("manifest: the year's superseded versions are not the signed ones")
    return [in_year[r] for r in current], [in_year[r] for r in history]


def round2(value: Fraction) -> float:
    """Return a fraction rounded half-up to two decimals."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def check_summary(manifest: dict[str, Any], current: list[dict[str, Any]],
                  report: Report) -> Fraction | None:
    """Check the stated count, mean and star-by-score; return the exact mean."""
    totals = [r["view"]["total"] for r in current]
    mean = Fraction(sum(totals), len(totals)) if totals else None
    summary = obj(manifest.get("summary"))
    star = next((s for s, least in ((3, 95), (2, 90), (1, 85)) if mean is not None
                 and mean >= least), 0)
    if summary.get("units_responded") != len(totals):
        report.fail("summary: units responded differs from the signed forms")
    if summary.get("mean_total") != (round2(mean) if mean is not None else None):
        report.fail(f"summary: mean {summary.get('mean_total')} differs from the signed forms")
    if summary.get("star_by_score") != star:
        report.fail("summary: the star level by score is not the signed forms'")
    return mean


def json_number(value: Any) -> Any:
    """Return a number as the manifest shows it (SPEC.md §6)."""
    if value is None or is_int(value):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return int(value) if value.denominator == 1 else round(float(value), 4)


def key_unit_at_year_end(trail: list[tuple[datetime, bool]], year: int) -> bool:
    """Return the key-unit flag in force at the end of the year (else the first flag)."""
    end = datetime.combine(date(year, 12, 31), time.max, tzinfo=BEIJING)
    in_force = [flag for moment, flag in trail if moment <= end]
    return in_force[-1] if in_force else (trail[0][1] if trail else False)


def eligibility(inputs: dict[str, Any], mean: Fraction | None) -> dict[str, Any]:
    """Return the §5 verdict the inputs and mean give, as the manifest states it."""
    year = inputs["year"]
    contracts = [(c["client_id"], c["year"], Decimal(str(c["amount"])))
                 for c in inputs["contracts"]]
    trails = {k["client_id"]: [(datetime.fromisoformat(ch["changed_at"]), ch["key_unit"])
                               for ch in k["changes"]] for k in inputs["key_units"]}
    this_year = {c for c, y, _ in contracts if y == year}
    window = {c for c, y, _ in contracts if year - 4 <= y <= year}
    years: dict[int, set[int]] = {}
    for c, y, _ in contracts:
        years.setdefault(c, set()).add(y)
    runs = [next(n for n in range(0, 200) if year - n not in ys) for ys in years.values()]
    key_units = [c for c in window if key_unit_at_year_end(trails.get(c, []), year)]
    actual: dict[str, Any] = {"units": len(this_year),
              "contract_amount": sum((a for _, y, a in contracts if y == year), Decimal(0)),
              "continuity": max(max(runs, default=0) - 1, 0),
              "key_unit_share": Fraction(len(key_units), len(window)) if window else Fraction(0),
              "evaluation": mean}
    checks, met_all = [], {1: True, 2: True, 3: True}
    for star in (1, 2, 3):
        for key, minimum in CRITERIA:
            need, have = minimum[star], actual[key]
            met = need is None or (have is not None and have >= need)
            met_all[star] = met_all[star] and met
            checks.append({"star": star, "key": key, "required": json_number(need),
                           "actual": json_number(have), "met": met})
    return {"star": max([s for s in (1, 2, 3) if met_all[s]], default=0), "criteria": checks}


def check_eligibility(manifest: dict[str, Any], mean: Fraction | None, report: Report) -> None:
    """Recompute the §5 verdict from the bundle's inputs and signed forms."""
    block = obj(manifest.get("eligibility"))
    try:
        result = eligibility(block["inputs"], mean)
    except (KeyError, TypeError, ValueError, ArithmeticError, StopIteration) as exc:
        report.fail(f"eligibility: the §5 inputs cannot be read ({type(exc).__name__})")
        return
    if obj(block.get("inputs")).get("year") != manifest.get("year"):
        report.fail("eligibility: the §5 inputs are not those of the bundle's year")
    if block.get("result") != result:
        report.fail(f"eligibility: the bundle claims {obj(block.get('result')).get('star')} "
                    f"star(s) under §5, its own data give {result['star']}")
    else:
        report.notes.append(f"§5 star level recomputed from the bundle: {result['star']}")


def utc(text: str) -> datetime:
    """Return a submitted_at text ('...Z') as an aware time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_provenance(manifest: dict[str, Any], forms: list[dict[str, Any]],
                     report: Report) -> None:
    """Recompute overrides of web forms and forms stored after closing; compare and list them."""
    by_id = {r["response_id"]: r["view"] for r in forms}
    overrides = sorted((v["supersedes_id"], rid) for rid, v in by_id.items()
                       if v["origin"] != "web" and by_id.get(v["supersedes_id"], {}).get(
                           "origin") == "web")
    prov = obj(manifest.get("provenance"))
    closes = date.fromisoformat(str(obj(manifest.get("campaign")).get("closes")))
    closed = [datetime.fromisoformat(e["at"]) for e in prov.get("campaign_events") or []
              if isinstance(e, dict) and e.get("action") == "campaign_close"]
    first_close = min(closed) if closed else None
    late = sorted(rid for rid, v in by_id.items()
                  if utc(v["submitted_at"]).astimezone(BEIJING).date() > closes
                  or (first_close is not None and utc(v["submitted_at"]) > first_close))
    stated = sorted((o.get("web"), o.get("replacement")) for o in prov.get("overrides") or []
                    if isinstance(o, dict))
    if stated != overrides:
        report.fail(f"provenance: the listed overrides {stated} are not the signed {overrides}")
    if sorted(prov.get("late") or []) != late:
        report.fail(f"provenance: the listed late forms are not the signed {late}")
    for web, new in overrides:
        v = by_id[new]
        report.notes.append(f"override: response {new} ({v['origin']}, by {v['entered_by']}) "
                            f"replaced the client's web response {web}; reason: {v['reason']}")
    for rid in late:
        report.notes.append(f"late: response {rid} stored {by_id[rid]['submitted_at']}")


def load_roots(paths: list[str]) -> list[bytes]:
    """Return the DER of each certificate in the given PEM or DER files."""
    from cryptography import x509

    roots = []
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data \
            else [x509.load_der_x509_certificate(data)]
        roots += [c.public_bytes(serialization.Encoding.DER) for c in certs]
    return roots


def check_anchors(manifest: dict[str, Any], records: dict[int, dict[str, Any]],
                  max_delay: timedelta, report: Report, roots: list[bytes] | None = None) -> None:
    """Check each timestamp token against the chain and report when each form was anchored."""
    raw_anchors = manifest.get("anchors", [])
    if not isinstance(raw_anchors, list):
        report.fail("manifest: 'anchors' is not a list")
        raw_anchors = []
    anchors = [a for a in raw_anchors if isinstance(a, dict)]
    if len(anchors) != len(raw_anchors):
        report.fail("manifest: an anchor is not an object")
    if not anchors:
        report.notes.append("timestamps: none — the records are NOT independently anchored; "
                            "their times are the provider's word only")
        return
    if tsa_check is None:
        report.fail("timestamps: tsa_check.py is missing beside this script")
        return
    chain = {r["view"]["seq"]: r for r in records.values()}
    for r in records.values():  # records without a response id still hold the chain
        chain.setdefault(r["view"]["seq"], r)
    good: list[tuple[int, datetime]] = []
    for anchor in anchors:
        seq: Any = anchor.get("head_seq")
        head = str(anchor.get("head_hash"))
        try:
            info = tsa_check.verify_timestamp_token(base64.b64decode(str(anchor["token"])),
                                                    trusted_roots=roots)
        except (KeyError, ValueError) as exc:
            report.fail(f"timestamp of seq {seq}: the token does not verify ({exc})")
            continue
        report.notes.append(f"timestamp of seq {seq}: {info.gen_time.isoformat()} by "
                            f"{info.tsa_subject} (certificate SHA-256 {info.cert_sha256})")
        if info.trusted is False:
            report.fail(f"timestamp of seq {seq}: the TSA certificate does not chain to a root "
                        "given with --tsa-root")
            continue
        covers = len(head) == 64 and all(c in "0123456789abcdef" for c in head) \
            and info.imprint == bytes.fromhex(head)
        if not covers:
            report.fail(f"timestamp of seq {seq}: the token does not cover the stated head")
        elif not is_int(seq) or chain.get(seq, {}).get("record_hash") != head:
            report.fail(f"timestamp of seq {seq} ({info.gen_time.isoformat()}) no longer matches "
                        "the chain: records were rewritten or removed after it was anchored")
        else:
            good.append((int(seq), info.gen_time))
    year = manifest.get("year")
    for rid, r in sorted(records.items()):
        view = r["view"]
        if view.get("year") != year:
            continue
        seq, stored = view["seq"], utc(view["submitted_at"])
        first = min((when for head_seq, when in good if head_seq >= seq), default=None)
        if first is None:
            report.fail(f"response {rid} (seq {seq}): no valid timestamp covers it")
        elif first - stored > max_delay:
            report.fail(f"response {rid} (seq {seq}): first anchored {first - stored} after it "
                        f"claims to have been stored ({stored.isoformat()}) — back-dated or late")
        else:
            report.notes.append(f"response {rid} (seq {seq}): first anchored {first.isoformat()}"
                                f", {first - stored} after it was stored")


def check_receipts(path: str, forms: list[dict[str, Any]], report: Report) -> None:
    """Check the codes clients read out: each must name its current version in the bundle."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[:5001]
    heads = [h.strip().lower() for h in rows[0]] if rows else []
    who = next(i for i, h in enumerate(heads) if h in ("client", "用户单位", "用户单位名称"))
    code = next(i for i, h in enumerate(heads) if h in ("receipt", "receipt_code", "code", "回执码"))
    by_client: dict[str, list[dict[str, Any]]] = {}
    for r in forms:
        name = str(((r["view"].get("header") or {}).get("client") or {}).get("name", ""))
        for key in (name, str(r["view"]["client_id"])):
            by_client.setdefault(key, []).append(r)
    for line, row in enumerate(rows[1:], start=2):
        named, wanted = row[who].strip(), "".join(c for c in row[code].lower() if c in
                                                  "0123456789abcdef")
        versions = sorted(by_client.get(named, []), key=lambda r: r["view"]["version"])
        if len(wanted) != 16:
            report.fail(f"receipts line {line}: client {named}: not a receipt code")
        elif not versions:
            report.fail(f"receipts line {line}: client {named}: missing — no form in the bundle")
        elif not versions[-1]["record_hash"].startswith(wanted):
            older = [v for v in versions[:-1] if v["record_hash"].startswith(wanted)]
            what = "superseded" if older else "altered"
            report.fail(f"receipts line {line}: client {named}: {what} — the current version's "
                        f"code is {receipt_code(versions[-1]['record_hash'])}")


def guarded(report: Report, what: str, check: Any, default: Any = None) -> Any:
    """Return check(); when malformed manifest data makes it raise, fail naming the part."""
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure on hostile data is a finding
        report.fail(f"manifest: {what} could not be checked ({type(exc).__name__}: {exc})"[:300])
        return default


def check_files(files: dict[str, bytes], manifest: dict[str, Any], report: Report) -> None:
    """Compare every file's SHA-256 with the manifest; name added, missing and altered files."""
    listed = manifest.get("files") or {}
    if not isinstance(listed, dict):
        report.fail("manifest: 'files' is not an object")
        listed = {}
    for name in sorted(set(files) | set(listed)):
        if name not in listed:
            report.fail(f"file {name}: not listed in the manifest (added)")
        elif name not in files:
            report.fail(f"file {name}: missing from the bundle")
        elif sha256_hex(files[name]) != listed[name]:
            report.fail(f"file {name}: SHA-256 does not match the manifest (altered)")


def verify(path: str, *, expect_key: str | None, receipts: str | None,
           max_delay: timedelta, roots: list[bytes] | None = None) -> Report:
    """Return the report of every check of the bundle at path."""
    report = Report()
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    manifest = json.loads(files.pop(MANIFEST).decode("utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError("manifest.json is not a JSON object")
    pem = obj(manifest.get("public_key")).get("pem")
    if not isinstance(pem, str):
        raise ValueError("manifest.json names no public key")
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the bundle's key is not an Ed25519 key")
    fingerprint = sha256_hex(key.public_bytes(serialization.Encoding.Raw,
                                              serialization.PublicFormat.Raw))
    report.notes.append(f"key fingerprint {fingerprint}: compare it with the published one")
    if obj(manifest.get("public_key")).get("fingerprint") != fingerprint:
        report.fail("manifest: the stated key fingerprint is not the key's")
    if not is_int(manifest.get("provider_id")):
        report.fail("manifest: 'provider_id' is not an integer")
    if expect_key and expect_key.strip().lower() != fingerprint:
        report.fail(f"key: the bundle is signed with {fingerprint}, not the published key")
    body = {k: v for k, v in manifest.items() if k != "signature"}
    if not guarded(report, "the manifest signature", lambda: signature_ok(
            key, sha256_hex(canonical(body)), manifest.get("signature")), True):
        report.fail("manifest: signature invalid (manifest altered)")
    guarded(report, "the file hashes", lambda: check_files(files, manifest, report))
    records = guarded(report, "the records", lambda: check_records(manifest, key, report), {})
    current, history = guarded(report, "the year's forms",
                               lambda: year_forms(manifest, records, report), ([], []))
    mean = guarded(report, "the summary", lambda: check_summary(manifest, current, report))
    guarded(report, "the §5 verdict", lambda: check_eligibility(manifest, mean, report))
    guarded(report, "the provenance",
            lambda: check_provenance(manifest, [*current, *history], report))
    guarded(report, "the anchors",
            lambda: check_anchors(manifest, records, max_delay, report, roots))
    if receipts:
        guarded(report, "the receipts",
                lambda: check_receipts(receipts, [*current, *history], report))
    return report


# Characters a manifest's text could use to draw on the assessor's terminal: controls (a line
# break would print a forged "OK" line of its own, ESC moves the cursor), format characters
# (bidi overrides reorder what is read, zero-width ones hide), line and paragraph separators,
# and lone surrogates (no UTF-8 for them).
HIDDEN = ("Cc", "Cf", "Cs", "Zl", "Zp")


def visible(text: str) -> str:
    """Return text with every control, format, separator and surrogate character as an escape."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if unicodedata.category(c) in HIDDEN else c for c in text)


def say(line: str) -> None:
    """Print one line, a manifest's hidden characters shown as escapes (see HIDDEN)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(visible(line).encode(encoding, "backslashreplace").decode(encoding))


def main(argv: list[str] | None = None) -> int:
    """Run the checks from the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--expect-key", help="the provider's published key fingerprint")
    parser.add_argument("--receipts", help="CSV of client,receipt codes read out by clients")
    parser.add_argument("--max-anchor-delay", type=float, default=24.0,
                        help="hours between a form's stored time and its first timestamp")
    parser.add_argument("--tsa-root", action="append", default=[],
                        help="a TSA root certificate you trust (PEM or DER; repeatable)")
    args = parser.parse_args(argv)
    try:
        report = verify(args.bundle, expect_key=args.expect_key, receipts=args.receipts,
                        max_delay=timedelta(hours=args.max_anchor_delay),
                        roots=load_roots(args.tsa_root) or None)
    except Exception as exc:  # noqa: BLE001 - unreadable input is reported, never a traceback
        say(f"FAILED: the bundle cannot be read ({type(exc).__name__}: {exc})"[:400])
        return 2
    for note in report.notes:
        say(f"note: {note}")
    for problem in report.problems:
        say(f"FAILED: {problem}")
    say("OK: every check holds" if not report.problems
        else f"FAILED: {len(report.problems)} problem(s)")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
