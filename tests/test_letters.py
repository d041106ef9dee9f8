"""Invitation letters: one A4 page per invited client with its own QR code and link, the
deadline, the time it takes, the contact; CJK font embedded; writers only. QR cards gain the
deadline and the contact phone. Checked with poppler and decoded with zbar."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlmodel import Session

from surveys import campaigns, clients, invitations
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import run_write
from surveys.errors import NotFound, PermissionDenied
from surveys.letters import campaign_letters, letters_pdf
from surveys.qr import campaign_cards, qr_sheet_pdf
from tests import factories

YEAR = 2026
BASE = "http://survey.test"
NAMES = ("北京市第一医院", "中关村/海淀 分校", "朝阳区" + "长" * 120 + "银行")


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, dict[str, int]]:
    """Return (ctx, provider, {client: id}): three invited clients, the campaign closing 2027-01-31."""
    pid = factories.make_provider(ctx)
    ids = {name: factories.make_client(ctx, pid, name, years={YEAR: 1}) for name in NAMES}
    run_write(ctx.engine, lambda s: campaigns.open_campaign(
        session=s, actor=SYSTEM, secret=ctx.link_secret, provider_id=pid, year=YEAR,
        closes=date(2027, 1, 31)))
    return ctx, pid, ids


def letters(ctx: Context, pid: int, actor: Actor = SYSTEM) -> list[Any]:
    """Return the campaign's letters for the actor."""
    with Session(ctx.engine) as s:
        return campaign_letters(session=s, actor=actor, secret=ctx.link_secret,
                                provider_id=pid, year=YEAR, base_url=BASE)


def poppler(tool: str, pdf: Path) -> str:
    """Return the text output of pdftotext or pdffonts."""
    args = [tool, "-layout", str(pdf), "-"] if tool == "pdftotext" else [tool, str(pdf)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_codes(pdf: Path, tmp_path: Path) -> list[list[str]]:
    """Return the QR texts found on each page, rendered at 150 dpi."""
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(prefix)], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    return [[s.data.decode() for s in decode(Image.open(io.BytesIO(p.read_bytes())))]
            for p in pages]


def client_of(ctx: Context, link: str) -> int:
    """Return the client id the link's token opens."""
    with Session(ctx.engine) as s:
        view = invitations.resolve_token(session=s, token=parse_qs(urlsplit(link).query)["t"][0])
    assert view is not None
    return int(view.client.id or 0)


def test_one_letter_per_client_with_everything_a_client_needs(scene: Any, tmp_path: Path) -> None:
    ctx, pid, ids = scene
    found = letters(ctx, pid)
    assert sorted(x.client for x in found) == sorted(NAMES)
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(letters_pdf(found, today=date(2026, 11, 30)))
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    pages = poppler("pdftotext", pdf).split("\f")[:-1]
    assert len(pages) == len(NAMES)
    for letter, page in zip(found, pages, strict=True):
        flat = "".join(page.split())
        for part in ("北京安防维保有限公司", "运维部", "年度服务工作回访", "T/BAX", "2027年1月31日",
                     "约5分钟", "王经理", "010-12345678", "评价组织", "签名", "2026年11月30日",
                     "用户评价表", "".join(letter.client.split())[:20], letter.url):
            assert part in flat, (part, flat)
    codes = page_codes(pdf, tmp_path)
    assert [c for c in codes] == [[x.url] for x in found]
    assert [client_of(ctx, c[0]) for c in codes] == [ids[x.client] for x in found]


@pytest.mark.parametrize("actor", [Actor("as", "assessor"), Actor("sb", "staff", -1)])
def test_only_writers_get_letters(scene: Any, actor: Actor) -> None:
    ctx, pid, _ids = scene
    with pytest.raises((PermissionDenied, NotFound)):
        letters(ctx, pid, actor)


def test_revoked_links_get_no_letter_and_no_letters_is_one_page(scene: Any) -> None:
    ctx, pid, ids = scene
    with Session(ctx.engine) as s:
        pairs = invitations.list_invitations(session=s, actor=SYSTEM, provider_id=pid, year=YEAR)
    for inv, _client in pairs:
        run_write(ctx.engine, lambda s, i=inv.id: invitations.revoke_invitation(
            session=s, actor=SYSTEM, invitation_id=i))
    assert letters(ctx, pid) == []
    assert letters_pdf([], today=date(2026, 11, 30)).startswith(b"%PDF")


def test_a_client_without_department_or_manager_is_still_addressed(scene: Any,
                                                                   tmp_path: Path) -> None:
    ctx, pid, ids = scene
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=ids["北京市第一医院"],
        fields={"department": "", "manager": ""}))
    found = [x for x in letters(ctx, pid) if x.client == "北京市第一医院"]
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(letters_pdf(found, today=date(2026, 11, 30)))
    text = "".join(poppler("pdftotext", pdf).split())
    assert "北京市第一医院：" in text and "None" not in text


def test_qr_cards_show_the_deadline_and_contact_phone_and_decode(scene: Any,
                                                                 tmp_path: Path) -> None:
    ctx, pid, _ids = scene
    with Session(ctx.engine) as s:
        cards = campaign_cards(session=s, actor=SYSTEM, secret=ctx.link_secret,
                               provider_id=pid, year=YEAR, base_url=BASE)
    assert all(c.closes == date(2027, 1, 31) and c.phone == "010-12345678" for c in cards)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(qr_sheet_pdf(cards))
    text = "".join(poppler("pdftotext", pdf).split())
    assert text.count("2027年1月31日") == len(cards) and text.count("010-12345678") == len(cards)
    assert sorted(page_codes(pdf, tmp_path)[0]) == sorted(c.url for c in cards)


def test_the_longest_fields_still_make_one_page_whose_code_decodes(tmp_path: Path) -> None:
    from surveys.letters import Letter

    url = "https://survey.some-long-domain-name.example.com.cn:8443/star/?t=AbCdEfGhIjKlMnOpQrStUv"
    longest = Letter("维" * 200, "部" * 200, "王" * 100, "010-12345678 转 8021", 1, "长" * 200,
                     "处" * 200, "李" * 100, YEAR, url, date(2027, 1, 31))
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(letters_pdf([longest, longest], today=date(2026, 11, 30)))
    pages = poppler("pdftotext", pdf).split("\f")[:-1]
    assert len(pages) == 2
    for page in pages:
        flat = "".join(page.split())
        assert "2027年1月31日" in flat and flat.endswith("2026年11月30日") and url in flat
    assert page_codes(pdf, tmp_path) == [[url], [url]]



@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_letters_writes_the_pdf(scene: Any, cli: Any, tmp_path: Path) -> None:
    import json

    ctx, pid, ids = scene
    out = tmp_path / "letters.pdf"
    code, stdout, err = cli("letters", "--provider", str(pid), "--year", str(YEAR), "--out",
                            str(out), "--base-url", "http://192.168.7.7:8501", "--json")
    assert code == 0, err
    assert json.loads(stdout)["letters"] == len(NAMES)
    codes = page_codes(out, tmp_path)
    assert len(codes) == len(NAMES) and all(c[0].startswith("http://192.168.7.7:8501/?t=")
                                            for c in codes)
    assert "北京市第一医院" in poppler("pdftotext", out)
    code, _out, err = cli("letters", "--provider", str(pid), "--year", "2025", "--out",
                          str(tmp_path / "none.pdf"))
    assert code == 1 and "2025" in err and not (tmp_path / "none.pdf").exists()
