"""analytics/bundle_verify.py's parts: guarded, read_manifest, what each check is handed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import analytics.bundle_verify as bv
from analytics.bundle_verify import guarded, read_manifest, verify_bundle
from analytics.evidence_bundle import manifest_digest
from surveys.keys import fingerprint, public_key_pem
from surveys.records import envelope_hash
from tests.bundle_cache import Built, real_bundle
from tests.bundle_tamper import NOT_ANCHORED, Manifest, files_of, manifest_of, problems, zipped


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the real bundle of seed_year: responses 2-5 current, 1 superseded by 5."""
    return real_bundle("year", tmp_path_factory.mktemp("year"))


def test_guarded_returns_the_value_or_names_the_part_and_returns_the_default() -> None:
    problems: list[str] = []
    empty: dict[str, int] = {}
    assert guarded(problems, "the records", lambda: empty["x"], default=7) == 7
    assert guarded(problems, "the summary", lambda: 3) == 3
    assert guarded(problems, "the pdf", lambda: [][1]) is None
    assert problems == [
        "manifest.json malformed: the records could not be checked (KeyError: 'x')",
        "manifest.json malformed: the pdf could not be checked (IndexError: list index out of "
        "range)"]


def test_guarded_cuts_a_long_message_at_300_characters() -> None:
    problems: list[str] = []

    def fail() -> None:
        raise ValueError("v" * 400)
    guarded(problems, "x", fail)
    assert problems == ["manifest.json malformed: x could not be checked (ValueError: "
                        + "v" * 239]
    assert len(problems[0]) == 300


def test_read_manifest(year: Built) -> None:
    assert read_manifest(year.data) == manifest_of(year.data)
    assert read_manifest(b"not a zip") is None
    files = files_of(year.data)
    for text in (b"[]", b"{", b"\xff", b"[" * 100000 + b"]" * 100000):
        files["manifest.json"] = text
        assert read_manifest(zipped(files)) is None, text[:5]
    del files["manifest.json"]
    assert read_manifest(zipped(files)) is None
    assert read_manifest(zipped({"manifest.json": b'{"a": [1]}'})) == {"a": [1]}


def boom(*args: Any, **kwargs: Any) -> Any:
    """Raise as a check does on data it cannot read."""
    raise RuntimeError("boom")


def malformed(what: str) -> str:
    """Return the problem guarded names for a part that raised boom."""
    return f"manifest.json malformed: {what} could not be checked (RuntimeError: boom)"


@pytest.mark.parametrize(("part", "found"), [
    ("verify_signature", [malformed("the manifest signature")]),
    ("_check_files", [malformed("the file hashes")]),
    ("_check_attachments", [malformed("the attachments")]),
    ("_check_summary", [malformed("the summary")]),
    ("check_eligibility", [malformed("the §5 verdict")]),
    ("check_provenance", [malformed("the provenance")]),
    ("check_bundle_anchors", [malformed("the anchors")]),
    ("check_tables", [malformed("the spreadsheets")]),
    ("_check_pdf", [malformed("evidence.pdf")]),
])
def test_a_part_that_raises_is_named_and_the_rest_still_checked(
        year: Built, monkeypatch: pytest.MonkeyPatch, part: str, found: list[str]) -> None:
    monkeypatch.setattr(bv, part, boom)
    result = verify_bundle(year.data)
    assert result.problems == found
    assert result.records == 5
    assert result.notes == ([] if part == "check_bundle_anchors" else [NOT_ANCHORED])


def test_records_or_year_that_raise_leave_nothing_to_check(
        year: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bv, "_year_records", boom)
    found = verify_bundle(year.data, use_pdftotext=False).problems
    assert found[:5] == [malformed("the year's forms"),
                         "manifest.json: units responded differs from the signed forms",
                         "manifest.json: mean score 94.0 differs from the signed forms' None",
                         "manifest.json: the star level is not the one the signed forms support",
                         "eligibility: the bundle claims 1 star(s) under §5, its own data give 0"]
    assert len(found) == 22
    monkeypatch.undo()
    monkeypatch.setattr(bv, "_check_records", boom)
    result = verify_bundle(year.data, use_pdftotext=False)
    assert result.problems[:4] == [
        malformed("the records"),
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: the year's superseded versions are not the signed ones",
        "manifest.json: units responded differs from the signed forms"]
    assert (result.records, result.head) == (0, None)


def test_stated_lists_that_are_no_lists_are_empty(year: Built) -> None:
    assert problems(year, lambda m: m.__setitem__("year_records", {
        "current": None, "superseded": 1})) == [
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: the year's superseded versions are not the signed ones"]


def test_a_format_1_record_carries_its_content_in_its_envelope(year: Built) -> None:
    vectors = json.loads((Path(__file__).parent / "golden" / "vectors.json").read_text("utf-8"))
    envelope = json.loads(vectors["record/1"]["envelope_canonical"])
    envelope.update(seq=1, prev_hash="0" * 64, signature_sha256=None, supersedes_id=None)
    digest, key = envelope_hash(envelope), year.signer.public_key
    manifest: Manifest = {
        "public_key": {"pem": public_key_pem(key), "fingerprint": fingerprint(key)},
        "files": {}, "provider_id": 1, "year": 2026, "chain": {"head_hash": digest, "head_seq": 1},
        "records": [{"response_id": 12, "envelope": envelope, "record_hash": digest,
                     "signature": year.signer.sign(digest), "key_id": year.signer.key_id}],
        "year_records": {"current": [12], "superseded": []},
        "summary": {"units_responded": 1, "mean_total": 96.0, "star_by_score": 3}}
    manifest["signature"] = year.signer.sign(manifest_digest(manifest))
    result = verify_bundle(zipped({"manifest.json": json.dumps(manifest).encode()}))
    assert result.problems == [  # no eligibility, no provenance: only that
        "manifest.json: the §5 inputs cannot be read (malformed eligibility inputs: TypeError: "
        "'NoneType' object is not subscriptable)",
        "manifest.json: cannot recompute overrides and late forms (Invalid isoformat string: "
        "'None')"]
    assert (result.records, result.head) == (1, digest)


def test_each_check_is_handed_the_manifest_year_and_lists(
        year: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def keep(name: str, result: Any = None) -> Any:
        def check(*args: Any, **kwargs: Any) -> Any:
            seen[name] = (args, kwargs)
            return result
        return check
    for name in ("check_eligibility", "check_bundle_anchors", "check_tables", "_check_pdf"):
        monkeypatch.setattr(bv, name, keep(name))
    monkeypatch.setattr(bv, "check_provenance", keep("check_provenance", ([(3, 5)], {})))
    roots = [b"root"]
    result = verify_bundle(year.data, max_anchor_delay=timedelta(hours=2), trusted_roots=roots)
    manifest: Manifest = manifest_of(year.data)
    current = [r["response_id"] for r in seen["check_tables"][0][1]["current"]]
    assert current == [2, 3, 4, 5]
    assert [r["response_id"] for r in seen["check_tables"][0][1]["superseded"]] == [1]
    assert seen["check_eligibility"][0][0] == manifest
    assert seen["check_eligibility"][0][1] is seen["check_tables"][0][1]
    assert seen["check_eligibility"][0][2] is result.problems
    assert seen["check_provenance"][0][1:] == (seen["check_tables"][0][1], result.problems,
                                               result.notes)
    args, kwargs = seen["check_bundle_anchors"]
    assert args[0] == manifest and sorted(args[1]) == [1, 2, 3, 4, 5]
    assert kwargs == {"max_delay": timedelta(hours=2), "trusted_roots": roots,
                      "problems": result.problems, "notes": result.notes}
    assert kwargs["problems"] is result.problems and kwargs["notes"] is result.notes
    pdf, manifest_seen, year_seen, problems, (overrides, records) = seen["_check_pdf"][0]
    assert pdf == files_of(year.data)["evidence.pdf"] and manifest_seen == manifest
    assert year_seen is seen["check_tables"][0][1] and problems is result.problems
    assert overrides == [(3, 5)] and records is args[1]
    assert seen["check_tables"][0][0] == {k: v for k, v in files_of(year.data).items()
                                          if k != "manifest.json"}
    verify_bundle(year.data)
    assert seen["check_bundle_anchors"][1]["max_delay"] == timedelta(hours=24)
    assert seen["check_bundle_anchors"][1]["trusted_roots"] is None


def test_the_stated_order_of_the_current_forms_is_kept(
        year: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(bv, "check_tables", lambda files, year, problems: seen.extend(
        r["response_id"] for r in year["current"]))
    manifest = manifest_of(year.data)
    manifest["year_records"]["current"] = [4, 2, "x", 5]  # 3 unlisted: first, as if at 0
    files = files_of(year.data)
    files["manifest.json"] = json.dumps(manifest).encode()
    verify_bundle(zipped(files), use_pdftotext=False)
    assert seen == [3, 4, 2, 5]
