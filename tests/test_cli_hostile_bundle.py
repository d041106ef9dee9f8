"""`verify BUNDLE [--receipts] [--json]` and `sample` on a hostile manifest: reported, never raised.

The manifest is the assessed party's data: whatever it holds, both commands exit 0, 1 or 2 with
a readable report, print no traceback, and their --json output stays valid JSON (a lone
surrogate, which has no UTF-8, is printed as its \\u escape; other text as it is).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.evidence_bundle import manifest_digest
from tests.bundle_cache import Built, real_bundle
from tests.bundle_tamper import manifest_of
from tests.test_bundle_verify import json_bytes, json_values, replace_somewhere, with_manifest

ROOT = Path(__file__).resolve().parents[1]
Run = Callable[..., tuple[int, str, str]]
UNEXPECTED = "--debug shows details"  # what the CLI adds when a command raised unexpectedly


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Return a SQLite URL: checking a bundle reads no database, one back-end is enough."""
    return f"sqlite:///{tmp_path / 'survey.db'}"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return a real, valid bundle of seed_two_years' 2026 and its provider's signer."""
    return real_bundle("two_years", tmp_path_factory.mktemp("bundle"))


def hostile(built: Built, change: Callable[[dict[str, Any]], Any], folder: Path, *,
            resign: bool = False) -> Path:
    """Write the bundle with its manifest changed (signed again when resign and possible)."""
    body = manifest_of(built.data)
    change(body)
    if resign:
        with contextlib.suppress(Exception):  # a body that cannot even be hashed
            body["signature"] = built.signer.sign(manifest_digest(body))
    path = folder / "bundle.zip"
    path.write_bytes(with_manifest(built.data, json_bytes(body)))
    return path


def test_verify_json_prints_a_lone_surrogate_as_an_escape_end_to_end(
        real: Built, tmp_path: Path) -> None:
    path = hostile(real, lambda m: m["summary"].__setitem__("mean_total", "甲\ud800"), tmp_path)
    done = subprocess.run([sys.executable, "-m", "cli", "verify", str(path), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8",
                               "STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
                               "STAR_SURVEY_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert ('"manifest.json: mean score 甲\\ud800 differs from the signed forms\' 94.0"'
            in done.stdout)
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert "manifest.json: mean score 甲\ud800 differs from the signed forms' 94.0" in (
        report["problems"])


def test_verify_text_shows_a_manifests_line_breaks_and_bidi_as_escapes(
        real: Built, tmp_path: Path) -> None:
    """A problem quoting the manifest stays one line: no forged "OK" line, no reordering."""
    forged = "甲\n13 records of 1 provider(s) checked; OK\r\u202e\u2028"
    path = hostile(real, lambda m: m["summary"].__setitem__("mean_total", forged), tmp_path)
    done = subprocess.run([sys.executable, "-m", "cli", "verify", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8",
                               "STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
                               "STAR_SURVEY_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 1, done.stderr
    assert ("  - manifest.json: mean score 甲\\x0a13 records of 1 provider(s) checked; "
            "OK\\x0d\\u202e\\u2028 differs from the signed forms' 94.0") in done.stdout
    assert not any(line.endswith("OK") for line in done.stdout.splitlines())
    assert not any(c in done.stdout for c in "\r\u202e\u2028")


def test_sample_json_prints_a_lone_surrogate_as_an_escape(real: Built, tmp_path: Path,
                                                          cli: Run) -> None:
    def rename(m: dict[str, Any]) -> None:
        for record in m["records"][2:]:
            record["content"]["header"]["client"]["name"] += "\udfff"

    path = hostile(real, rename, tmp_path)
    code, out, err = cli("sample", str(path), "--n", "5", "--seed", "s", "--json")
    assert (code, err) == (0, "")
    assert '"name": "甲医院\\udfff"' in out and '"name": "乙中学\\udfff"' in out
    assert sorted(w["name"] for w in json.loads(out)) == ["乙中学\udfff", "甲医院\udfff"]


def test_sample_names_the_malformed_part_and_picks_no_one(real: Built, tmp_path: Path,
                                                          cli: Run) -> None:
    path = hostile(real, lambda m: m["records"][2]["content"].__setitem__("client_id", "x"),
                   tmp_path, resign=True)
    code, out, err = cli("sample", str(path), "--seed", "s", "--json")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "错误 / error: manifest.json 有误，未抽样 / the manifest is malformed; no clients were "
        "picked (run star-survey verify)",
        "  - manifest.json: record #3: content.client_id is not an integer"]


def test_verify_receipts_names_the_malformed_part_once(real: Built, tmp_path: Path,
                                                       cli: Run) -> None:
    path = hostile(real, lambda m: m.__setitem__("records", 5), tmp_path, resign=True)
    codes = tmp_path / "codes.csv"
    codes.write_text("client,receipt\n甲医院,0123-4567-89AB-CDEF\n", encoding="utf-8")
    code, out, err = cli("verify", str(path), "--receipts", str(codes), "--json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["problems"].count("manifest.json: 'records' is not a list") == 1
    assert report["problems"][-1] == ("receipts line 2: client 甲医院: missing — no form of this "
                                      "client is in the bundle")
    assert "receipts: 1 code(s) read out by clients checked, 1 differ" in report["notes"]


hostile_values = json_values | st.sampled_from(["\ud800", "甲\udfff乙", "2", 10**30, -1])


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data(), st.booleans(), st.booleans())
def test_any_part_replaced_is_reported_never_raised(real: Built, tmp_path: Path, cli: Run,
                                                    data: st.DataObject, resign: bool,
                                                    as_json: bool) -> None:
    original = manifest_of(real.data)
    key = data.draw(st.sampled_from(sorted(k for k in original if k != "signature")))
    replaced = replace_somewhere(original[key], data, hostile_values)
    path = hostile(real, lambda m: m.__setitem__(key, replaced), tmp_path, resign=resign)
    codes = tmp_path / "codes.csv"
    codes.write_text("client,receipt\n甲医院,0123-4567-89AB-CDEF\n", encoding="utf-8")
    flags = ["--json"] if as_json else []
    for args in (["verify", str(path), "--receipts", str(codes), *flags],
                 ["sample", str(path), "--seed", "s", *flags]):
        code, out, err = cli(*args)
        assert code in (0, 1, 2), (args, err)
        assert "Traceback" not in err and UNEXPECTED not in err, (args, err)
        if as_json and out:
            json.loads(out)
        if args[0] == "verify":  # a receipt that names no version always fails
            assert code == 1 and "receipts line 2: client 甲医院: " in out, out
        elif code != 0:
            assert err.startswith("错误 / error: "), err
        else:
            assert out and err == "", err
