"""CLI: `star-survey anchor` timestamps every chain head now; `init` makes the PDF certificate."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli.main import main
from surveys.context import Context
from tests.anchor_support import provider_with_records
from tests.tsa_support import LocalTSA, closed_port_url


@pytest.fixture
def cli(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Any:
    """Return a function running the CLI in-process with extra environment: (code, out, err)."""
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err
    return run


def test_anchor_timestamps_the_head_once(cli: Any, ctx: Context, local_tsa: LocalTSA) -> None:
    provider = provider_with_records(ctx)
    env = {"STAR_SURVEY_TSA_URL": local_tsa.url("ecdsa"),
           "STAR_SURVEY_TSA_ROOTS": str(local_tsa.roots_file)}
    code, out, err = cli("anchor", "--provider", str(provider), "--json", env=env)
    assert code == 0, err
    [result] = json.loads(out)
    assert result["ok"] and result["head_seq"] == 2
    assert [a["ok"] for a in result["attempts"]] == [True]
    code, out, _ = cli("anchor", env=env)
    assert code == 0 and f"provider {provider}:" in out and "already timestamped" in out
    assert local_tsa.count(env["STAR_SURVEY_TSA_URL"]) == 1


def test_anchor_fails_visibly_without_a_tsa_or_when_it_is_down(cli: Any, ctx: Context) -> None:
    provider = provider_with_records(ctx)
    code, out, _ = cli("anchor")
    assert code == 1 and "no TSA configured" in out
    code, out, _ = cli("anchor", "--provider", str(provider),
                       env={"STAR_SURVEY_TSA_URL": closed_port_url()})
    assert code == 1 and "failed, will retry" in out and "unreachable" in out
    code, _, err = cli("anchor", "--provider", "999")
    assert code == 1 and "999" in err


def test_init_creates_the_pdf_certificate_once(cli: Any, ctx: Context, tmp_path: Any) -> None:
    code, out, err = cli("init", "--json")
    assert code == 0, err
    first = json.loads(out)["pdf_cert_fingerprint"]
    assert (ctx.settings.data_dir / "pdf-signing-cert.pem").exists()
    assert json.loads(cli("init", "--json")[1])["pdf_cert_fingerprint"] == first
    code, _, err = cli("init", env={"STAR_SURVEY_PDF_CERT": str(tmp_path / "absent.pem"),
                                    "STAR_SURVEY_PDF_KEY": str(tmp_path / "absent.key")})
    assert code == 1 and "STAR_SURVEY_PDF_CERT" in err


def test_export_signs_and_timestamps_evidence_pdf_and_the_bundle_still_verifies(
        cli: Any, ctx: Context, local_tsa: LocalTSA, tmp_path: Any) -> None:
    import zipfile

    from analytics.pdf_signing import ensure_pdf_identity, pdf_signature_info
    from tests.evidence_support import YEAR, seed_year

    provider, _ = seed_year(ctx)
    env = {"STAR_SURVEY_TSA_URL": local_tsa.url("pss")}
    out = tmp_path / "bundle.zip"
    code, _, err = cli("export", "--provider", str(provider), "--year", str(YEAR), "--out",
                       str(out), env=env)
    assert code == 0, err
    code, said, err = cli("verify", str(out))
    assert code == 0, said + err
    with zipfile.ZipFile(out) as archive:
        pdf = archive.read("evidence.pdf")
    identity = ensure_pdf_identity(ctx.settings)
    info = pdf_signature_info(pdf, tsa_roots=[local_tsa.root_der])
    assert info.intact and info.covers_whole_file and info.timestamp_trusted
    assert info.signer_fingerprint == identity.fingerprint
