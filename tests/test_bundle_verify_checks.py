"""Every check of analytics/bundle_verify.py on a real bundle: each tampering, its exact message.

The manifest is signed again with the provider's own key wherever a later check is meant to
fire (an altered manifest is otherwise only "signature invalid"). Bundles come from
tests/bundle_cache.py: built once, reused by mutmut's per-mutant runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from analytics.bundle_verify import BundleResult, verify_bundle
from surveys.keys import fingerprint
from tests.bundle_cache import Built, real_bundle
from tests.bundle_tamper import (
    NO_PDF,
    NOT_ANCHORED,
    Manifest,
    checked,
    files_of,
    manifest_of,
    problems,
    zipped,
)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the real bundle of seed_year: responses 2-5 current, 1 superseded by 5."""
    return real_bundle("year", tmp_path_factory.mktemp("year"))


@pytest.fixture(scope="module")
def m(year: Built) -> Manifest:
    """Return the honest manifest."""
    return manifest_of(year.data)


def rhash(m: Manifest, rid: int) -> str:
    """Return the record hash of a response."""
    return str(next(r["record_hash"] for r in m["records"] if r["response_id"] == rid))


def test_the_honest_bundle_verifies_with_records_head_fingerprint_and_notes(
        year: Built, m: Manifest) -> None:
    result = verify_bundle(year.data)
    head, key = m["chain"]["head_hash"], fingerprint(year.signer.public_key)
    assert (result.problems, result.ok, result.records) == ([], True, 5)
    assert result.head == head == rhash(m, 5)
    assert result.key_fingerprint == key
    assert result.notes == [NOT_ANCHORED]
    assert result.summary() == (f"bundle: 5 signed records; chain head {head}; "
                                f"public key fingerprint {key}; OK")
    unread = verify_bundle(year.data, use_pdftotext=False)
    assert (unread.problems, unread.notes, unread.head) == ([], [NOT_ANCHORED, NO_PDF], head)


def test_a_result_and_its_summary() -> None:
    result = BundleResult()
    assert (result.records, result.key_fingerprint, result.head) == (0, "", None)
    assert result.ok and result.summary() == ("bundle: 0 signed records; chain head None; "
                                              "public key fingerprint ; OK")
    result.problems += ["a", "b"]
    assert not result.ok
    assert result.summary().endswith("; public key fingerprint ; FAILED: 2 problem(s)")


def test_not_a_zip_and_no_manifest(year: Built) -> None:
    result = verify_bundle(b"not a zip")
    assert result.problems == ["not a readable zip file: File is not a zip file"]
    assert (result.records, result.head, result.key_fingerprint, result.notes) == (0, None, "", [])
    assert result.summary() == ("bundle: 0 signed records; chain head None; public key "
                                "fingerprint ; FAILED: 1 problem(s)")
    files = files_of(year.data)
    del files["manifest.json"]
    missing = verify_bundle(zipped(files))
    assert (missing.problems, missing.key_fingerprint) == (["manifest.json missing"], "")


@pytest.mark.parametrize(("text", "message"), [
    (b"[]", "TypeError: not a JSON object"),
    (b"{", "JSONDecodeError: Expecting property name enclosed in double quotes: line 1 "
           "column 2 (char 1)"),
    (b"\xff", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: "
              "invalid start byte"),
    (b'{"public_key": 5}', "KeyError: 'pem'"),
    (b'{"public_key": {"pem": "AAAA"}}', "ValueError: An Ed25519 public key is 32 bytes long"),
    (b'{"public_key": {"pem": "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"}}',
     "ValueError: Could not deserialize key data. The data may be in an incorrect format, it may "
     "be encrypted with an unsupported algorithm, or it may be an unsupported key type (e.g. EC "
     "curves with explicit parameters). Details: ASN.1 parsing error: unexpected tag (got Tag { "
     "val"),  # cut: the whole problem is 300 characters
])
def test_an_unreadable_manifest_is_named(year: Built, text: bytes, message: str) -> None:
    files = files_of(year.data)
    files["manifest.json"] = text
    result = verify_bundle(zipped(files))
    assert result.problems == [f"manifest.json unreadable: {message}"]
    assert (result.key_fingerprint, result.records, result.notes) == ("", 0, [])


def test_the_stated_fingerprint_and_the_signature(year: Built) -> None:
    assert problems(year, lambda m: m["public_key"].__setitem__("fingerprint", "00")) == [
        "manifest.json: the stated key fingerprint is not the key's"]
    assert problems(year, lambda m: m.__setitem__("base_url", "x"), resign=False) == [
        "manifest.json: signature invalid (manifest altered)"]
    assert problems(year, lambda m: m.pop("signature"), resign=False) == [
        "manifest.json: signature invalid (manifest altered)"]


def test_files_added_missing_and_altered(year: Built, m: Manifest) -> None:
    def change(files: dict[str, bytes]) -> None:
        files.update({"zz.txt": b"z", "aa.txt": b"a"})
        del files["verify/VERIFY.md"], files["verify/SPEC.md"]
        files["verify/tsa_check.py"] += b"#"
    assert problems(year, files=change) == [
        "file aa.txt: not listed in the manifest (added)",
        "file zz.txt: not listed in the manifest (added)",
        "file verify/SPEC.md: missing from the bundle",
        "file verify/VERIFY.md: missing from the bundle",
        "file verify/tsa_check.py: SHA-256 does not match the manifest (altered)"]
    assert problems(year, lambda m: m.__setitem__("files", None)) == [
        f"file {name}: not listed in the manifest (added)" for name in sorted(m["files"])]


def test_the_records_manifest_entry(year: Built, m: Manifest) -> None:
    head = m["chain"]["head_hash"]
    found = problems(year, lambda m: m.__setitem__("records", {}))
    assert found[:7] == [
        "manifest.json: 'records' is not a list",
        f"chain head None is not the manifest's {head} (records removed or added)",
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: the year's superseded versions are not the signed ones",
        "manifest.json: units responded differs from the signed forms",
        "manifest.json: mean score 94.0 differs from the signed forms' None",
        "manifest.json: the star level is not the one the signed forms support"]
    assert len(found) == 25
    result = checked(year, lambda m: m["records"].__setitem__(2, 5))
    assert result.problems[:6] == [
        "manifest.json: record #3 is not an object", "provider 1: seq 3 missing (record deleted)",
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: units responded differs from the signed forms",
        "manifest.json: mean score 94.0 differs from the signed forms' 95.0",
        "manifest.json: the star level is not the one the signed forms support"]
    assert (len(result.problems), result.records, result.head) == (15, 4, head)


def test_an_unreadable_record_is_left_out_of_the_year(year: Built) -> None:
    found = problems(year, lambda m: m["records"][2]["envelope"].__setitem__(
        "format", "star-survey/record/9"))
    assert found[:3] == [
        "response 3 (provider 1, seq 3): unreadable record (ValueError: unknown record format) "
        "— stored content was altered",
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: units responded differs from the signed forms"]
    assert len(found) == 14


def test_a_bundle_1_record_carries_its_envelope_as_canonical(year: Built) -> None:
    def rename(m: Manifest) -> None:
        for record in m["records"]:
            record["canonical"] = record.pop("envelope")
    result = checked(year, rename)
    assert (result.problems, result.records) == ([], 5)


def test_the_provider_and_records_of_another_provider(year: Built, m: Manifest) -> None:
    head = m["chain"]["head_hash"]
    lost = f"chain head None is not the manifest's {head} (records removed or added)"
    mixed = "records of another provider are mixed into the chain"
    assert problems(year, lambda m: m.__setitem__("provider_id", 2)) == [mixed, lost]
    assert problems(year, lambda m: m.__setitem__("provider_id", "1")) == [
        "manifest.json: 'provider_id' is not an integer", mixed, lost]
    assert problems(year, lambda m: m.__setitem__("provider_id", 1.0)) == [
        "manifest.json: 'provider_id' is not an integer", lost]
    result = checked(year, lambda m: m.__setitem__("provider_id", True))
    assert result.problems == ["manifest.json: 'provider_id' is not an integer"]
    assert result.head == head
    assert problems(year, lambda m: m["records"][1]["envelope"].__setitem__("provider_id", 2)) == [
        "response 2 (provider 2, seq 2): hash mismatch — stored content was altered",
        "provider 1: seq 2 missing (record deleted)", "provider 2: seq 1 missing (record deleted)",
        mixed]


def test_the_chain_head_and_head_seq(year: Built, m: Manifest) -> None:
    head = m["chain"]["head_hash"]
    assert problems(year, lambda m: m["chain"].__setitem__("head_hash", "ab" * 32)) == [
        f"chain head {head} is not the manifest's {'ab' * 32} (records removed or added)"]
    assert problems(year, lambda m: m["chain"].__setitem__("head_seq", 4)) == [
        "the chain's last seq is not the manifest's head_seq"]
    assert problems(year, lambda m: m.__setitem__("chain", None)) == [
        f"chain head {head} is not the manifest's None (records removed or added)",
        "the chain's last seq is not the manifest's head_seq"]
    result = checked(year, lambda m: m["records"].pop())
    before = rhash(m, 4)
    assert result.problems[:4] == [
        f"chain head {before} is not the manifest's {head} (records removed or added)",
        "the chain's last seq is not the manifest's head_seq",
        "manifest.json: the year's current forms are not the signed ones",
        "manifest.json: the year's superseded versions are not the signed ones"]
    assert (result.records, result.head, len(result.problems)) == (4, before, 14)


def test_response_ids_that_are_no_integers(year: Built, m: Manifest) -> None:
    assert problems(year, lambda m: m["records"][0].__setitem__("response_id", True)) == [
        "manifest.json: the year's superseded versions are not the signed ones",
        f"responses.csv: row 6 is no signed record of the year (hash {rhash(m, 1)})",
        f"responses.xlsx: row 6 is no signed record of the year (hash {rhash(m, 1)})"]
    found = problems(year, lambda m: m["records"][2].__setitem__("response_id", "3"))
    assert found[:2] == ["manifest.json: the year's current forms are not the signed ones",
                         "manifest.json: units responded differs from the signed forms"]
    assert len(found) == 13


def test_a_record_of_the_year_without_its_content(year: Built, m: Manifest) -> None:
    def drop(m: Manifest) -> None:
        m["records"][0].pop("content")
        m["year_records"]["superseded"] = []
    assert problems(year, drop) == [
        "response 1: a record of the year is in the bundle without its content",
        f"responses.csv: row 6 is no signed record of the year (hash {rhash(m, 1)})",
        f"responses.xlsx: row 6 is no signed record of the year (hash {rhash(m, 1)})"]
    found = problems(year, lambda m: m["records"][2].pop("content"))
    assert found[:3] == ["response 3: a record of the year is in the bundle without its content",
                         "manifest.json: the year's current forms are not the signed ones",
                         "manifest.json: units responded differs from the signed forms"]
    assert len(found) == 14


@pytest.mark.parametrize(("which", "value", "message"), [
    ("current", [2, 3, 4], "the year's current forms are not the signed ones"),
    ("current", [5, None, 3, 2], "the year's current forms are not the signed ones"),
    ("current", [2, 3, 4, 5, 1], "the year's current forms are not the signed ones"),
    ("superseded", [], "the year's superseded versions are not the signed ones"),
    ("superseded", [1, None], "the year's superseded versions are not the signed ones"),
    ("superseded", [1, 5], "the year's superseded versions are not the signed ones"),
])
def test_the_years_stated_lists(year: Built, which: str, value: list[Any], message: str) -> None:
    assert problems(year, lambda m: m["year_records"].__setitem__(which, value)) == [
        f"manifest.json: {message}"]


def test_the_order_of_the_stated_current_forms_is_free(year: Built) -> None:
    assert problems(year, lambda m: m["year_records"].__setitem__("current", [5, 4, 3, 2])) == []


def test_another_year(year: Built) -> None:
    found = problems(year, lambda m: m.__setitem__("year", 2025))
    assert found[:6] == ["manifest.json: the year's current forms are not the signed ones",
                         "manifest.json: the year's superseded versions are not the signed ones",
                         "manifest.json: units responded differs from the signed forms",
                         "manifest.json: mean score 94.0 differs from the signed forms' None",
                         "manifest.json: the star level is not the one the signed forms support",
                         "manifest.json: the §5 inputs are not those of the bundle's year"]
    assert len(found) == 24


def test_missing_attachments_are_named(year: Built, m: Manifest) -> None:
    def view(rid: int, what: str) -> str:
        record = next(r for r in m["records"] if r["response_id"] == rid)
        return str(record["content"][f"{what}_sha256"])[:16]

    def drop(prefix: str, rename: str | None) -> Any:
        def change(files: dict[str, bytes]) -> None:
            for name in [n for n in files if n.startswith(prefix)]:
                content = files.pop(name)
                if rename:
                    files[rename + name] = content
        return change

    def unlist(prefix: str, rename: str | None) -> Any:
        def change(m: Manifest) -> None:
            for name in [n for n in m["files"] if n.startswith(prefix)]:
                digest = m["files"].pop(name)
                if rename:
                    m["files"][rename + name] = digest
        return change
    assert problems(year, unlist("images/", None), files=drop("images/", None)) == [
        f"response {rid}: the signed {what} (sha256 {view(rid, what)}…) is not in the bundle"
        for rid, what in ((2, "signature"), (3, "seal"), (5, "signature"), (5, "seal"),
                          (1, "signature"), (1, "seal"))]
    assert problems(year, unlist("scans/", "x"), files=drop("scans/", "x")) == [
        f"response {rid}: the signed scan (sha256 {view(rid, 'scan')}…) is not in the bundle"
        for rid in (3, 4)]


@pytest.mark.parametrize(("summary", "found"), [
    ({"units_responded": 3, "mean_total": 93.5, "star_by_score": 3},
     ["manifest.json: units responded differs from the signed forms",
      "manifest.json: mean score 93.5 differs from the signed forms' 94.0",
      "manifest.json: the star level is not the one the signed forms support"]),
    (None, ["manifest.json: units responded differs from the signed forms",
            "manifest.json: mean score None differs from the signed forms' 94.0",
            "manifest.json: the star level is not the one the signed forms support"]),
    ({"units_responded": 4, "mean_total": 94, "star_by_score": 2}, []),
    ({"units_responded": 4, "mean_total": 94.01, "star_by_score": 2},
     ["manifest.json: mean score 94.01 differs from the signed forms' 94.0"]),
])
def test_the_summary(year: Built, summary: Any, found: list[str]) -> None:
    assert problems(year, lambda m: m.__setitem__("summary", summary)) == found
