"""A malformed manifest is reported FAILED by both bundle verifiers, never raised.

Hand-made cases (missing keys, wrong types, bad base64, bad hex, nested garbage) and
property-based ones (hypothesis replaces or deletes any part of a real manifest), each with the
manifest left as it is (its signature no longer matches) and signed again with the provider's
own key (every later check then runs on the garbage).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.assessor import FOLDER
from analytics.bundle_verify import BundleResult, guarded, read_manifest, verify_bundle
from analytics.evidence_bundle import manifest_digest
from surveys.keys import Signer, load_public_key
from tests.bundle_cache import Built, real_bundle
from tests.test_assessor_verifier import standalone

VERIFIER = standalone()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.sampled_from(["", "0" * 64, "zz" * 32, "!!!", "AAAA", "-1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return a real, valid bundle of seed_two_years' 2026 and its provider's signer."""
    return real_bundle("two_years", tmp_path_factory.mktemp("bundle"))


def with_manifest(bundle: bytes, text: bytes) -> bytes:
    """Return the bundle with manifest.json replaced by these bytes."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["manifest.json"] = text
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def manifest(bundle: bytes) -> dict[str, Any]:
    """Return the bundle's manifest."""
    found = read_manifest(bundle)
    assert found is not None
    return found


def json_bytes(value: Any) -> bytes:
    """Return value as UTF-8 JSON; a lone surrogate (no UTF-8 for it) travels as a \\u escape."""
    try:
        return json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(value).encode()


def variants(signer: Signer, bundle: bytes, change: Callable[[dict[str, Any]], Any], *,
             resign_too: bool = True) -> list[bytes]:
    """Return the bundle with its manifest changed: as is, and signed again by the provider."""
    out = []
    for resign in (False, True) if resign_too else (False,):
        body = manifest(bundle)
        replaced = change(body)
        body = body if replaced is None else replaced
        if resign and isinstance(body, dict):
            with contextlib.suppress(Exception):  # a body that cannot even be hashed
                body["signature"] = signer.sign(manifest_digest(body))
        out.append(with_manifest(bundle, json_bytes(body)))
    return out


def assert_failed(data: bytes, tmp_path: Path, *, pdf: bool = False) -> BundleResult:
    """Assert both verifiers report FAILED on the bundle, without raising; return the result.

    With pdf, only star-survey's verifier is asked: the stand-alone one does not read the PDF.
    """
    result = verify_bundle(data, use_pdftotext=pdf)
    assert not result.ok and result.problems
    assert "FAILED" in result.summary() and "OK" not in result.summary()
    if pdf:
        return result
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = VERIFIER.main([str(path)])
    lines = out.getvalue().splitlines()
    assert status in (1, 2), lines
    assert lines and lines[-1].startswith("FAILED"), lines
    assert not any(line.startswith("OK") for line in lines)
    return result


def test_the_real_bundle_verifies(real: Built, tmp_path: Path) -> None:
    bundle = real.data
    assert verify_bundle(bundle, use_pdftotext=False).ok
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle)
    with contextlib.redirect_stdout(io.StringIO()):
        assert VERIFIER.main([str(path)]) == 0


@pytest.mark.parametrize("text", [b"[]", b'"manifest"', b"1", b"null", b"{", b"\xff\xfe",
                                  b"[" * 100000 + b"]" * 100000, b'{"public_key": 5}',
                                  b'{"public_key": {"pem": 5}}', b'{"public_key": {"pem": "!!!"}}',
                                  b'{"public_key": {"pem": "-----BEGIN PUBLIC KEY-----"}}'])
def test_an_unreadable_manifest(real: Built, tmp_path: Path,
                                text: bytes) -> None:
    result = assert_failed(with_manifest(real.data, text), tmp_path)
    assert result.problems[0].startswith("manifest.json unreadable: ")


TOP_KEYS = ["public_key", "signature", "files", "records", "chain", "year", "provider_id",
            "year_records", "summary", "eligibility", "provenance", "anchors", "pdf"]
WRONG = [None, 1, "x", [], {}, True, [[{}]], {"a": {"b": [None]}}]


@pytest.mark.parametrize("key", TOP_KEYS)
def test_each_key_missing(real: Built, tmp_path: Path, key: str) -> None:
    signer, bundle = real.signer, real.data
    for data in variants(signer, bundle, lambda m: m.pop(key, None) and None,
                         resign_too=key != "signature"):
        assert_failed(data, tmp_path, pdf=key == "pdf")


@pytest.mark.parametrize("key", TOP_KEYS)
@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_each_key_of_a_wrong_type(real: Built, tmp_path: Path, key: str,
                                  value: Any) -> None:
    signer, bundle = real.signer, real.data
    if manifest(bundle).get(key) == value and type(manifest(bundle).get(key)) is type(value):
        return  # the same value: nothing to report
    for data in variants(signer, bundle, lambda m: m.__setitem__(key, value),
                         resign_too=key != "signature"):
        assert_failed(data, tmp_path, pdf=key == "pdf")


def first_record(m: dict[str, Any]) -> dict[str, Any]:
    """Return the manifest's first record that has content."""
    return next(r for r in m["records"] if "content" in r)


NESTED: dict[str, Callable[[dict[str, Any]], Any]] = {
    "pem bad base64": lambda m: m["public_key"].__setitem__(
        "pem", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"),
    "fingerprint wrong": lambda m: m["public_key"].__setitem__("fingerprint", "00"),
    "signature bad base64": lambda m: m.__setitem__("signature", "!!!not base64"),
    "record hash bad hex": lambda m: first_record(m).__setitem__("record_hash", "zz" * 32),
    "record signature bad base64": lambda m: first_record(m).__setitem__("signature", "%%"),
    "record is a list": lambda m: m["records"].__setitem__(0, [1, 2]),
    "envelope garbage": lambda m: first_record(m).__setitem__("envelope", {"a": [[[]]]}),
    "envelope seq text": lambda m: first_record(m)["envelope"].__setitem__("seq", "1"),
    "envelope seq huge": lambda m: first_record(m)["envelope"].__setitem__("seq", 10**30),
    "content items text": lambda m: first_record(m)["content"].__setitem__("items", "x"),
    "content total text": lambda m: first_record(m)["content"].__setitem__("total", "九十"),
    "content supersedes list": lambda m: first_record(m)["content"].__setitem__(
        "supersedes_id", [1]),
    "content signature hash int": lambda m: first_record(m)["content"].__setitem__(
        "signature_sha256", 5),
    "content not an object": lambda m: first_record(m).__setitem__("content", [1]),
    "response id text": lambda m: first_record(m).__setitem__("response_id", "7"),
    "file digest int": lambda m: m["files"].__setitem__("responses.csv", 5),
    "file digest bad hex": lambda m: m["files"].__setitem__("responses.csv", "zz"),
    "chain head list": lambda m: m["chain"].__setitem__("head_hash", ["a"]),
    "year records nested": lambda m: m.__setitem__("year_records", {"current": [[1]],
                                                                    "superseded": {"a": 1}}),
    "summary text": lambda m: m.__setitem__("summary", {"units_responded": "2",
                                                        "mean_total": "x", "star_by_score": []}),
    "pdf garbage": lambda m: m.__setitem__("pdf", {"pages": "x", "form_pages": {"1": "ab"}}),
    "eligibility nested": lambda m: m.__setitem__("eligibility", {"inputs": {"contracts": [[1]]}}),
    "anchors garbage": lambda m: m.__setitem__("anchors", [{"token": "!!", "head_seq": "x"}]),
    "provenance garbage": lambda m: m.__setitem__("provenance", {"overrides": [[None]]}),
    "records deep": lambda m: m.__setitem__("records", [[[[[[[[[[{}]]]]]]]]]]),
}


@pytest.mark.parametrize("name", list(NESTED))
def test_nested_garbage(real: Built, tmp_path: Path, name: str) -> None:
    signer, bundle = real.signer, real.data
    for data in variants(signer, bundle, NESTED[name], resign_too=not name.startswith("signature")):
        assert_failed(data, tmp_path, pdf=name == "pdf garbage")


# What a hostile manifest may put where the provider's Ed25519 public key belongs.
RSA_PEM = """-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKufMH/JqdsU8+gHHFpnMdsXXLPEcTLP
ddYXfBVq0NxfxKBHmWbdRA3toCWcVbp6vBrJLG2RLRujaI26cNc04ssCAwEAAQ==
-----END PUBLIC KEY-----
"""
EC_PEM = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEj0FnqhR5zoJCGs6W5UV7dHOdZUgr
n0TSZI/VU6jrNMMJirjoIw5enNRo7G9itHR8PSqNi+PvF2DqrEjHXavugg==
-----END PUBLIC KEY-----
"""
SECP112R1_PEM = """-----BEGIN PUBLIC KEY-----
MDIwEAYHKoZIzj0CAQYFK4EEAAYDHgAEtoHRhXppXjyMgM9ruJRcHpoHoxLbjDS3
P7cfUw==
-----END PUBLIC KEY-----
"""
X25519_PEM = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VuAyEAEz+rs+hmbjKGZNUa4lqOM7ZrD4XnbQpcet3NLgqu61s=
-----END PUBLIC KEY-----
"""
PRIVATE_PEM = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDhy31iH1w3/82rGGPfwXeQ9Yyw5RE5vqF5L1eEifyl8
-----END PRIVATE KEY-----
"""
TRUNCATED_PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n"
HOSTILE_KEYS: dict[str, Any] = {
    "dict holding BEGIN": {"BEGIN": 1}, "list holding BEGIN": ["BEGIN"],
    "list of a PEM line": ["-----BEGIN PUBLIC KEY-----"], "int": 1, "float": 1.5, "bool": True,
    "null": None, "empty dict": {}, "text": "not a key", "RSA PEM": RSA_PEM, "EC PEM": EC_PEM,
    "EC PEM of an unsupported curve": SECP112R1_PEM, "X25519 PEM": X25519_PEM,
    "private key PEM": PRIVATE_PEM, "truncated PEM": TRUNCATED_PEM,
    "lone surrogate": "-----BEGIN PUBLIC KEY-----\ud800",
}
# What verify_bundle names for each, at public_key.pem.
KEY_PROBLEMS = {
    "dict holding BEGIN": "TypeError: a public key is text, not dict",
    "list holding BEGIN": "TypeError: a public key is text, not list",
    "list of a PEM line": "TypeError: a public key is text, not list",
    "int": "TypeError: a public key is text, not int",
    "float": "TypeError: a public key is text, not float",
    "bool": "TypeError: a public key is text, not bool",
    "null": "TypeError: a public key is text, not NoneType",
    "empty dict": "TypeError: a public key is text, not dict",
    "text": "Error: Incorrect padding",
    "RSA PEM": "ValueError: not an Ed25519 public key",
    "EC PEM": "ValueError: not an Ed25519 public key",
    "EC PEM of an unsupported curve": "ValueError: not an Ed25519 public key "
                                      "(Curve 1.3.132.0.6 is not supported)",
    "X25519 PEM": "ValueError: not an Ed25519 public key",
}


@pytest.mark.parametrize("name", list(HOSTILE_KEYS))
def test_load_public_key_refuses_a_hostile_key_with_a_value_or_type_error(name: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        load_public_key(HOSTILE_KEYS[name])


@pytest.mark.parametrize("name", list(HOSTILE_KEYS))
def test_a_hostile_public_key_pem(real: Built, tmp_path: Path, name: str) -> None:
    signer, bundle = real.signer, real.data
    for data in variants(signer, bundle,
                         lambda m: m["public_key"].__setitem__("pem", HOSTILE_KEYS[name])):
        result = assert_failed(data, tmp_path)
        assert len(result.problems) == 1
        assert result.problems[0].startswith("manifest.json unreadable: ")
        if name in KEY_PROBLEMS:
            assert result.problems[0] == f"manifest.json unreadable: {KEY_PROBLEMS[name]}"


@pytest.mark.parametrize("name", list(HOSTILE_KEYS))
def test_a_hostile_public_key(real: Built, tmp_path: Path, name: str) -> None:
    signer, bundle = real.signer, real.data
    for data in variants(signer, bundle, lambda m: m.__setitem__("public_key", HOSTILE_KEYS[name])):
        result = assert_failed(data, tmp_path)
        assert result.problems == ["manifest.json unreadable: KeyError: 'pem'"]


@pytest.mark.parametrize("name", list(HOSTILE_KEYS))
def test_a_hostile_key_fingerprint(real: Built, tmp_path: Path, name: str) -> None:
    signer, bundle = real.signer, real.data
    for data in variants(signer, bundle, lambda m: m["public_key"].__setitem__(
            "fingerprint", HOSTILE_KEYS[name])):
        result = assert_failed(data, tmp_path)
        assert "manifest.json: the stated key fingerprint is not the key's" in result.problems
        path = tmp_path / "bundle.zip"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert VERIFIER.main([str(path)]) == 1
        assert "FAILED: manifest: the stated key fingerprint is not the key's" in out.getvalue()


def zip_with_manifest_entry(tweak: Callable[[bytearray, int, int], None],
                            method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return a zip of a manifest.json whose headers or data tweak(raw, local, central) changes.

    local and central are where the entry's local and central headers start.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("manifest.json", b'{"public_key": {}}' * 20)
    raw = bytearray(out.getvalue())
    tweak(raw, raw.find(b"PK\x03\x04"), raw.find(b"PK\x01\x02"))
    return bytes(raw)


def _encrypted(raw: bytearray, local: int, central: int) -> None:
    raw[local + 6] |= 1  # general purpose flag bit 0: encrypted
    raw[central + 8] |= 1


def _unknown_method(raw: bytearray, local: int, central: int) -> None:
    raw[local + 8:local + 10] = raw[central + 10:central + 12] = struct.pack("<H", 99)


def _bad_deflate(raw: bytearray, local: int, central: int) -> None:
    start = local + 30 + len("manifest.json")
    raw[start:start + 2] = b"\xff\xff"  # an invalid deflate block type


def _bad_lzma(raw: bytearray, local: int, central: int) -> None:
    start = local + 30 + len("manifest.json") + 4  # past zipfile's 4-byte LZMA header
    raw[start:start + 8] = b"\xff" * 8  # invalid LZMA properties


ZIP_ENTRIES = {
    "encrypted": (_encrypted, zipfile.ZIP_DEFLATED,
                  "is encrypted, password required for extraction"),
    "unknown compression method": (_unknown_method, zipfile.ZIP_DEFLATED,
                                   "That compression method is not supported"),
    "corrupt deflate data": (_bad_deflate, zipfile.ZIP_DEFLATED,
                             "Error -3 while decompressing data: invalid block type"),
    "corrupt LZMA data": (_bad_lzma, zipfile.ZIP_LZMA, "Invalid or unsupported options"),
}


@pytest.mark.parametrize("name", list(ZIP_ENTRIES))
def test_an_unreadable_zip_entry(tmp_path: Path, name: str) -> None:
    tweak, method, message = ZIP_ENTRIES[name]
    data = zip_with_manifest_entry(tweak, method)
    result = assert_failed(data, tmp_path)
    assert len(result.problems) == 1
    assert result.problems[0].startswith("not a readable zip file: ")
    assert result.problems[0].endswith(message)
    assert read_manifest(data) is None


def standalone_on(real: Built, tmp_path: Path, response_id: str) -> subprocess.CompletedProcess[str]:
    """Return the stand-alone verifier's run on the bundle with one record's id (and hash) changed."""
    def change(m: dict[str, Any]) -> None:
        first_record(m).update(response_id=response_id, record_hash="0" * 64)

    path = tmp_path / "bundle.zip"
    path.write_bytes(variants(real.signer, real.data, change)[1])
    return subprocess.run([sys.executable, str(FOLDER / "verify_bundle.py"), str(path)],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_the_standalone_verifier_prints_a_lone_surrogate_as_an_escape(
        real: Built, tmp_path: Path) -> None:
    done = standalone_on(real, tmp_path, "\ud800")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert "FAILED: response \\ud800: hash mismatch — the record was altered" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("FAILED: ")


def test_the_standalone_verifier_shows_controls_and_bidi_as_escapes(
        real: Built, tmp_path: Path) -> None:
    """A manifest's text must not draw lines of its own (a forged "OK") nor reorder the output."""
    done = standalone_on(real, tmp_path, "x\nOK: every check holds\r\x1b[2K\u202egnp.x\u2028\u200b")
    assert done.returncode == 1, done.stderr
    assert ("FAILED: response x\\x0aOK: every check holds\\x0d\\x1b[2K\\u202egnp.x\\u2028"
            "\\u200b: hash mismatch — the record was altered") in done.stdout
    assert not any(line.startswith("OK") for line in done.stdout.splitlines())
    assert not any(c in done.stdout for c in "\r\x1b\u202e\u2028\u200b")


def replace_somewhere(value: Any, data: st.DataObject,
                      values: st.SearchStrategy[Any] = json_values) -> Any:
    """Return value with one part, chosen by hypothesis, replaced by garbage (values) or deleted."""
    if isinstance(value, dict) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(value)))
        if data.draw(st.integers(0, 3)) == 0:
            return {k: v for k, v in value.items() if k != key}
        return {**value, key: replace_somewhere(value[key], data, values)}
    if isinstance(value, list) and value and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(value) - 1))
        return [*value[:index], replace_somewhere(value[index], data, values), *value[index + 1:]]
    return data.draw(values)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data(), st.booleans())
def test_any_part_replaced_is_reported(real: Built, tmp_path: Path,
                                       data: st.DataObject, resign: bool) -> None:
    signer, bundle = real.signer, real.data
    original = manifest(bundle)
    key = data.draw(st.sampled_from(sorted(k for k in original if k != "signature")))
    changed = {**original, key: replace_somewhere(original[key], data)}
    if changed == original:
        return
    if not resign:  # the signature no longer matches: always FAILED
        assert_failed(with_manifest(bundle, json.dumps(changed).encode()), tmp_path)
        return
    # Signed again by the provider: a harmless change (a note, base_url) may verify; whatever
    # the change, both verifiers finish, and say OK only when they found nothing.
    changed["signature"] = signer.sign(manifest_digest(changed))
    data_ = with_manifest(bundle, json.dumps(changed).encode())
    result = verify_bundle(data_, use_pdftotext=False)
    assert result.ok is (not result.problems)
    assert ("OK" in result.summary()) is result.ok
    path = tmp_path / "bundle.zip"
    path.write_bytes(data_)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = VERIFIER.main([str(path)])
    last = out.getvalue().splitlines()[-1]
    assert (status, last.startswith("OK")) in ((0, True), (1, False), (2, False)), last


def test_guarded_names_the_part_and_goes_on() -> None:
    problems: list[str] = []
    assert guarded(problems, "the records", lambda: {}["x"], default=7) == 7
    assert guarded(problems, "the summary", lambda: 3) == 3
    assert problems == ["manifest.json malformed: the records could not be checked "
                        "(KeyError: 'x')"]
