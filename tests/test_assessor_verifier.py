"""The assessor's kit inside every bundle: golden vectors, the spec, the stand-alone verifier."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from analytics.assessor import FOLDER
from analytics.bundle_verify import verify_bundle
from surveys.context import Context
from surveys.keys import fingerprint
from surveys.records import canonical_bytes, envelope_hash, receipt_code, signed_parts
from tests.evidence_support import rewrite, seed_two_years
from tests.golden_vectors import FORMATS, fixed_manifest, fixed_record, golden_signer
from tests.test_bundle_claims import make_bundle, resigned

VECTORS = json.loads((Path(__file__).parent / "golden" / "vectors.json").read_text("utf-8"))
SPEC = (FOLDER / "SPEC.md").read_text("utf-8")
# Runs a script with every import outside the standard library and `cryptography` refused.
ISOLATED = """
import runpy, sys
allowed = set(sys.stdlib_module_names) | {"cryptography", "_cffi_backend", "cffi", "tsa_check"}
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in allowed:
            raise ImportError("refused: " + name)
        return None
sys.meta_path.insert(0, Refuse())
script = sys.argv[1]
sys.path.insert(0, script.rsplit("/", 1)[0])
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
"""


def standalone() -> ModuleType:
    """Return the stand-alone verifier loaded as a module."""
    spec = importlib.util.spec_from_file_location("verify_bundle", FOLDER / "verify_bundle.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", list(FORMATS))
def test_records_reproduce_the_golden_vectors(name: str) -> None:
    vector = VECTORS[name]
    envelope, content = signed_parts(fixed_record(FORMATS[name]))
    assert canonical_bytes(envelope).decode() == vector["envelope_canonical"]
    if content is not None:
        assert canonical_bytes(content).decode() == vector["content_canonical"]
        assert hashlib.sha256(canonical_bytes(content)).hexdigest() == vector["content_sha256"]
    assert envelope_hash(envelope) == vector["record_hash"]
    assert golden_signer().sign(vector["record_hash"]) == vector["signature"]
    assert receipt_code(vector["record_hash"]) == vector["receipt_code"]


def test_the_golden_key_and_manifest() -> None:
    signer = golden_signer()
    assert fingerprint(signer.public_key) == VECTORS["key"]["fingerprint"]
    body = canonical_bytes(fixed_manifest())
    assert body.decode() == VECTORS["manifest"]["canonical"]
    digest = hashlib.sha256(body).hexdigest()
    assert digest == VECTORS["manifest"]["sha256"]
    assert signer.sign(digest) == VECTORS["manifest"]["signature"]


def test_the_spec_publishes_the_golden_vectors() -> None:
    for name in FORMATS:
        for key in ("record_hash", "signature", "receipt_code"):
            assert VECTORS[name][key] in SPEC, (name, key)
    for text in (VECTORS["record/2"]["envelope_canonical"],
                 VECTORS["record/2"]["content_canonical"], VECTORS["manifest"]["canonical"],
                 VECTORS["manifest"]["sha256"], VECTORS["manifest"]["signature"],
                 VECTORS["key"]["fingerprint"], VECTORS["key"]["seed_hex"]):
        assert text in SPEC


@pytest.mark.parametrize("name", list(FORMATS))
def test_the_standalone_verifier_reproduces_the_vectors(name: str) -> None:
    verifier, vector = standalone(), VECTORS[name]
    envelope = json.loads(vector["envelope_canonical"])
    content = json.loads(vector["content_canonical"]) if "content_canonical" in vector else None
    assert verifier.canonical(envelope).decode() == vector["envelope_canonical"]
    entry = {"envelope": envelope, **({"content": content} if content else {})}
    assert verifier.record_hash_of(entry) == (vector["record_hash"], "")
    assert verifier.receipt_code(vector["record_hash"]) == vector["receipt_code"]


def run_isolated(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the bundle's own verify/verify_bundle.py with only the stdlib and cryptography."""
    return subprocess.run([sys.executable, "-I", "-c", ISOLATED,
                           str(folder / "verify" / "verify_bundle.py"), *args],
                          capture_output=True, text=True, timeout=120, cwd=folder, check=False)


@pytest.fixture
def assessor(ctx: Context, tmp_path: Path) -> tuple[Context, Path, bytes]:
    """Return the context, a folder holding a bundle and its extracted verify/, and the bytes."""
    provider, _ = seed_two_years(ctx)
    data = make_bundle(ctx, provider, 2026)
    (tmp_path / "evidence-2026.zip").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "evidence-2026.zip") as archive:
        archive.extractall(tmp_path, [n for n in archive.namelist() if n.startswith("verify/")])
    return ctx, tmp_path, data


def test_an_assessor_verifies_with_the_bundled_verifier_alone(
        assessor: tuple[Context, Path, bytes]) -> None:
    ctx, folder, _ = assessor
    done = run_isolated(folder, "evidence-2026.zip", "--expect-key",
                        fingerprint(ctx.signer.public_key))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: every check holds" in done.stdout
    assert "§5 star level recomputed from the bundle: 2" in done.stdout
    assert "override: response" in done.stdout and "NOT independently anchored" in done.stdout
    assert "refused" not in done.stderr
    wrong = run_isolated(folder, "evidence-2026.zip", "--expect-key", "00" * 32)
    assert wrong.returncode == 1 and "not the published key" in wrong.stdout


def _edit_content(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    entry = next(r for r in manifest["records"] if "content" in r)
    entry["content"]["items"][0] -= 1
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()


def _drop_record(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    del manifest["records"][1]
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()


CASES: list[tuple[str, Any]] = [
    ("edited content", lambda data, signer: rewrite(data, _edit_content)),
    ("dropped record", lambda data, signer: rewrite(data, _drop_record)),
    ("altered csv", lambda data, signer: rewrite(
        data, lambda f: f.__setitem__("responses.csv", f["responses.csv"] + b"x"))),
    ("claimed star", lambda data, signer: resigned(
        data, signer, lambda m: m["eligibility"]["result"].__setitem__("star", 3))),
    ("hidden override", lambda data, signer: resigned(
        data, signer, lambda m: m["provenance"].__setitem__("overrides", []))),
    ("untouched", lambda data, signer: data),
]


@pytest.mark.parametrize(("case", "change"), CASES, ids=[c[0] for c in CASES])
def test_the_two_verifiers_agree(assessor: tuple[Context, Path, bytes], case: str,
                                 change: Any) -> None:
    ctx, folder, data = assessor
    changed = change(data, ctx.signer)
    (folder / "changed.zip").write_bytes(changed)
    done = run_isolated(folder, "changed.zip")
    product = verify_bundle(changed, use_pdftotext=False)
    assert (done.returncode == 0) is product.ok is (case == "untouched"), done.stdout


def test_the_isolation_refuses_star_surveys_own_code(tmp_path: Path) -> None:
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "verify_bundle.py").write_text("import surveys.records\n")
    done = run_isolated(tmp_path)
    assert done.returncode != 0 and "refused: surveys" in done.stderr
