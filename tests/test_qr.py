"""QR codes: PNGs decode back to the links, file names are safe, the sheet embeds its CJK font."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.invitations import revoke_invitation
from surveys.qr import QrCard, campaign_cards, png_names, qr_png, qr_sheet_pdf, safe_filename
from tests.factories import links, make_client, make_provider, open_campaign

ROOT = Path(__file__).resolve().parents[1]


def decoded(png: bytes) -> list[str]:
    """Return the texts of the QR codes found in a PNG."""
    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("url", [
    "http://192.168.1.20:8501/?t=AAAAAAAAAAAAAAAAAAAAAA",
    "https://survey.example.cn/?t=abc-DEF_123abc-DEF_12",
    "http://h/?t=" + "x" * 22,
])
def test_qr_png_decodes_to_url(url: str) -> None:
    assert decoded(qr_png(url)) == [url]


@pytest.mark.parametrize(("name", "expected"), [
    ("北京市第一医院", "北京市第一医院"),
    ("A/B 公司", "A_B_公司"),
    ('a\\b:c*d?e"f<g>h|i', "a_b_c_d_e_f_g_h_i"),
    ("../../etc/passwd", "etc_passwd"),
    ("  . 前后空格 .  ", "前后空格"),
    ("", "client"),
    ("...", "client"),
    ("CON", "client"),
    ("行\n换", "行_换"),
    ("长" * 80, "长" * 60),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    assert len(safe_filename(name).encode()) <= 255


def test_png_names_are_distinct() -> None:
    cards = [QrCard("P", "A/B", 2026, "u", 1), QrCard("P", "A_B", 2026, "u", 2),
             QrCard("P", "", 2026, "u", 3)]
    assert png_names(cards) == ["A_B.png", "A_B-2.png", "client-3.png"]


def _pdf_tool(tool: str, pdf: Path) -> str:
    """Return the text output of a poppler tool run on a PDF."""
    return subprocess.run([tool, str(pdf), "-"] if tool == "pdftotext" else [tool, str(pdf)],
                          check=True, capture_output=True, text=True).stdout


def test_sheet_embeds_cjk_font_and_text(tmp_path: Path) -> None:
    cards = [QrCard("北京安防维保有限公司", f"用户单位{i}", 2026,
                    f"http://10.0.0.5:8501/?t={'A' * 21}{i}", i) for i in range(7)]
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(qr_sheet_pdf(cards))
    fonts = _pdf_tool("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
    text = _pdf_tool("pdftotext", pdf)
    assert "北京安防维保有限公司" in text and "用户单位6" in text
    assert "请用手机扫描二维码" in text and "2026 年度用户评价表" in text
    assert text.count("\f") == 2  # seven cards: two A4 pages


def _setup(ctx: Context) -> tuple[int, dict[str, int]]:
    """Return a provider with three invited clients (one with an awkward name)."""
    provider = make_provider(ctx)
    ids = {name: make_client(ctx, provider, name, years={2026: 1000})
           for name in ("北京市第一医院", "中关村/海淀 分校", "朝阳银行")}
    open_campaign(ctx, provider, 2026)
    return provider, ids


def test_campaign_cards_skip_revoked(ctx: Context) -> None:
    provider, ids = _setup(ctx)
    with read_session(ctx.engine) as s:
        from surveys.invitations import list_invitations
        target = next(inv for inv, c in list_invitations(session=s, actor=SYSTEM,
                                                         provider_id=provider, year=2026)
                      if c.id == ids["朝阳银行"])
    run_write(ctx.engine, lambda s: revoke_invitation(session=s, actor=SYSTEM,
                                                      invitation_id=target.id))
    with read_session(ctx.engine) as s:
        cards = campaign_cards(session=s, actor=SYSTEM, secret=ctx.link_secret,
                               provider_id=provider, year=2026, base_url="http://h:1")
    assert sorted(c.client for c in cards) == ["中关村/海淀 分校", "北京市第一医院"]
    assert all(c.provider == "北京安防维保有限公司" and c.year == 2026 for c in cards)


def test_cli_writes_pngs_and_sheet(ctx: Context, cli_env: dict[str, str], tmp_path: Path) -> None:
    provider, ids = _setup(ctx)
    out = tmp_path / "codes"
    result = subprocess.run(
        [sys.executable, "-m", "cli", "qr", "--provider", str(provider), "--year",
         "2026", "--out", str(out), "--base-url", "http://192.168.7.7:8501/"],
        cwd=ROOT, env={**os.environ, **cli_env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    expected = {link["client"]: link["url"].replace("http://survey.test", "http://192.168.7.7:8501")
                for link in links(ctx, provider, 2026)}
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == sorted(["北京市第一医院.png", "中关村_海淀_分校.png", "朝阳银行.png"])
    for client, url in expected.items():
        assert decoded((out / f"{safe_filename(client)}.png").read_bytes()) == [url]
    text = _pdf_tool("pdftotext", out / "qr-sheet.pdf")
    assert "中关村/海淀 分校" in text and "北京安防维保有限公司" in text


def test_cli_warns_about_loopback_and_rejects_unknown_year(
        ctx: Context, cli_env: dict[str, str], tmp_path: Path) -> None:
    provider, _ = _setup(ctx)
    env = {**os.environ, **cli_env}
    command = [sys.executable, "-m", "cli", "qr", "--provider", str(provider),
               "--out", str(tmp_path / "o")]
    ok = subprocess.run(command + ["--year", "2026", "--base-url", "http://127.0.0.1:8501"],
                        cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "loopback" in ok.stderr
    bad = subprocess.run(command[:-1] + [str(tmp_path / "bad"), "--year", "2025"], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "2025" in bad.stderr
    assert not (tmp_path / "bad").exists()
