"""The evidence bundle: contents, manifest, offline verification and tampering."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from analytics.bundle_verify import verify_bundle
from analytics.evidence_bundle import manifest_digest
from analytics.evidence_tables import read_csv_table
from cli.main import app
from surveys.context import Context
from surveys.errors import SurveyError
from surveys.keys import fingerprint
from tests.bundle_cache import Built, real_bundle
from tests.evidence_support import (
    YEAR,
    bundle,
    evidence,
    rewrite,
    scan_jpeg,
    seed_year,
    store,
)
from tests.factories import make_client, make_provider, open_campaign


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return one bundle of seed_year built on a private SQLite database (shared by the tests)."""
    return real_bundle("year", tmp_path_factory.mktemp("bundle"))


def _manifest(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("manifest.json"))


def test_bundle_contents_and_manifest(built: Built) -> None:
    data, signer = built.data, built.signer
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        files = {n: archive.read(n) for n in names}
    manifest = json.loads(files.pop("manifest.json"))
    assert {"evidence.pdf", "responses.csv", "responses.xlsx"} <= names
    assert any(n.startswith("scans/") and n.endswith("form-4.pdf") for n in names)
    assert any(n.startswith("scans/") and n.endswith("form-3.jpg") for n in names)
    assert manifest["files"] == {n: hashlib.sha256(c).hexdigest() for n, c in files.items()}
    assert manifest["public_key"]["fingerprint"] == fingerprint(signer.public_key)
    assert manifest["form_id"] == "T/BAX-2022-A.1"
    assert [r["envelope"]["seq"] for r in manifest["records"]] == [1, 2, 3, 4, 5]
    assert manifest["chain"]["head_hash"] == manifest["records"][-1]["record_hash"]
    assert len(manifest["year_records"]["current"]) == 4
    assert len(manifest["year_records"]["superseded"]) == 1
    assert manifest["summary"] == {"units_invited": 5, "units_responded": 4,
                                   "mean_total": 94.0, "star_by_score": 2}
    rows = read_csv_table(files["responses.csv"])
    assert sorted(r["total"] for r in rows) == ["88", "91", "93", "95", "97"]
    assert {r["status"] for r in rows} == {"current", "superseded"}
    assert "'=HYPERLINK(\"http://evil\")" in {r["client"] for r in rows}
    book = load_workbook(io.BytesIO(files["responses.xlsx"]))
    assert book.sheetnames == ["summary", "responses", "items"]


def test_untouched_bundle_verifies(built: Built) -> None:
    result = verify_bundle(built.data)
    assert result.ok, result.problems
    assert result.records == 5
    assert result.key_fingerprint == fingerprint(built.signer.public_key)
    assert not any("pdftotext" in n for n in result.notes)  # the PDF text was compared
    assert any("NOT independently anchored" in n for n in result.notes)  # no TSA here


def _edit_csv_total(files: dict[str, bytes]) -> None:
    text = files["responses.csv"].decode("utf-8")
    files["responses.csv"] = text.replace(",88,", ",98,", 1).encode("utf-8")


def _edit_csv_and_rehash(files: dict[str, bytes]) -> None:
    _edit_csv_total(files)
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["responses.csv"] = hashlib.sha256(files["responses.csv"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()


def _edit_record_score(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    record = manifest["records"][1]
    record["content"]["items"][0] -= 1
    record["content"]["total"] -= 1
    files["manifest.json"] = json.dumps(manifest).encode()


def _drop_record(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    del manifest["records"][2]
    files["manifest.json"] = json.dumps(manifest).encode()


def _alter_pdf(files: dict[str, bytes]) -> None:
    files["evidence.pdf"] = files["evidence.pdf"].replace(b"/Title", b"/Titl2", 1)


def _alter_scan(files: dict[str, bytes]) -> None:
    name = next(n for n in files if n.endswith("form-4.pdf"))
    files[name] = files[name] + b"%"


def _add_file(files: dict[str, bytes]) -> None:
    files["extra.txt"] = b"not evidence"


def _remove_xlsx(files: dict[str, bytes]) -> None:
    del files["responses.xlsx"]


TAMPERS: dict[str, tuple[Callable[[dict[str, bytes]], None], list[str]]] = {
    "csv file": (_edit_csv_total, ["file responses.csv: SHA-256 does not match the manifest"]),
    "csv rehashed": (_edit_csv_and_rehash, ["manifest.json: signature invalid",
                                            "responses.csv: row", "the signed value is 88"]),
    "record score": (_edit_record_score, ["manifest.json: signature invalid",
                                          "seq 2): content does not match"]),
    "record dropped": (_drop_record, ["seq 3 missing (record deleted)"]),
    "pdf": (_alter_pdf, ["file evidence.pdf: SHA-256 does not match the manifest (altered)"]),
    "scan": (_alter_scan, ["form-4.pdf: SHA-256 does not match the manifest (altered)",
                           "the signed scan"]),
    "added file": (_add_file, ["file extra.txt: not listed in the manifest (added)"]),
    "removed file": (_remove_xlsx, ["file responses.xlsx: missing from the bundle"]),
}


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampered_bundle_fails_naming_it(built: Built, name: str) -> None:
    change, needles = TAMPERS[name]
    result = verify_bundle(rewrite(built.data, change))
    assert not result.ok
    text = "\n".join(result.problems)
    for needle in needles:
        assert needle in text, text


def test_manifest_signature_covers_everything(built: Built) -> None:
    manifest = _manifest(built.data)
    digest = manifest_digest(manifest)
    manifest["summary"]["mean_total"] = 99.0
    assert manifest_digest(manifest) != digest


def test_export_verify_cli_on_both_backends(ctx: Context, cli_env: dict[str, str],
                                            tmp_path: Path) -> None:
    provider, stored = seed_year(ctx)
    out = tmp_path / "evidence.zip"
    runner = CliRunner()
    done = runner.invoke(app, ["export", "--provider", str(provider), "--year", "2026",
                               "--out", str(out)], env=cli_env)
    assert done.exit_code == 0, done.output
    checked = runner.invoke(app, ["verify", str(out)], env=cli_env)
    assert checked.exit_code == 0, checked.output
    assert fingerprint(ctx.signer.public_key) in checked.output
    shown = runner.invoke(app, ["key", "show"], env=cli_env)
    assert fingerprint(ctx.signer.public_key) in shown.output
    out.write_bytes(rewrite(out.read_bytes(), _edit_csv_total))
    bad = runner.invoke(app, ["verify", str(out)], env=cli_env)
    assert bad.exit_code == 1
    assert "responses.csv" in bad.output


def test_progress_is_reported_to_the_end(ctx: Context) -> None:
    provider, _ = seed_year(ctx)
    seen: list[tuple[int, int]] = []
    bundle(ctx, provider, lambda done, total, label: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) >= 4 + 2


def test_export_refuses_a_broken_chain(ctx: Context) -> None:
    from sqlalchemy import text
    provider, stored = seed_year(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE response SET total = 100 WHERE id = :i"), {"i": stored[2].id})
    with pytest.raises(SurveyError, match="hash mismatch"):
        evidence(ctx, provider)


def test_a_form_that_spills_over_a_page_still_verifies(ctx: Context) -> None:
    from surveys.responses import Attachments

    provider = make_provider(ctx)
    client = make_client(ctx, provider, "海淀区图书馆", years={YEAR: "1000"})
    open_campaign(ctx, provider, YEAR)
    long_comment = "\n".join(f"第 {n} 条意见：响应及时，维修质量好。" for n in range(70))
    store(ctx, provider, client, 96, signer="李娜", comment=long_comment,
          attachments=Attachments(scan=scan_jpeg(), scan_name="form.jpg"))
    data = bundle(ctx, provider)
    manifest = _manifest(data)
    spans = list(manifest["pdf"]["form_pages"].values())
    assert len(spans) == 1 and spans[0][1] > spans[0][0]  # several pages for one form
    assert manifest["pdf"]["pages"] == 1 + manifest["pdf"]["summary_pages"] + (
        spans[0][1] - spans[0][0] + 1)
    result = verify_bundle(data)
    assert result.ok, result.problems
