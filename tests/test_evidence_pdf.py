"""evidence.pdf: embedded CJK font, page count, Table A.1 text, stamp box, page numbers, QR."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from analytics.bundle_verify import page_problems, pdf_pages_text
from analytics.evidence_data import EvidenceData
from analytics.evidence_pdf import render_evidence_pdf
from surveys.context import Context, open_context
from surveys.form_a1 import ITEMS
from surveys.models import Response
from surveys.records import record_view, signed_parts
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.evidence_support import evidence, seed_year

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "evidence_pdf"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[Path, EvidenceData, int]]:
    """Yield the rendered PDF file, its data and the number of summary pages."""
    folder = tmp_path_factory.mktemp("pdf")
    ctx: Context = open_context(Settings(db_url=f"sqlite:///{folder / 's.db'}",
                                         data_dir=folder / "d"))
    upgrade(ctx.engine)
    provider, _ = seed_year(ctx)
    data = evidence(ctx, provider)
    result = render_evidence_pdf(data)
    summary_pages = result.summary_pages
    assert result.pages == 1 + summary_pages + len(data.current)
    assert sorted(first for first, last in result.form_pages.values() if first == last) == list(
        range(2 + summary_pages, 2 + summary_pages + len(data.current)))
    path = folder / "evidence.pdf"
    path.write_bytes(result.content)
    yield path, data, summary_pages
    ctx.engine.dispose()


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def test_font_is_embedded(rendered: tuple[Path, EvidenceData, int]) -> None:
    fonts = _run("pdffonts", str(rendered[0])).splitlines()[2:]
    assert fonts and all("NotoSansCJK" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # the 'emb' column


def test_page_count_is_cover_summary_and_one_per_form(
        rendered: tuple[Path, EvidenceData, int]) -> None:
    path, data, summary_pages = rendered
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(path))).group(1))  # type: ignore[union-attr]
    assert summary_pages == 3 and len(data.current) == 4  # summary, overrides, §5 data
    assert pages == 1 + summary_pages + len(data.current)


def test_every_page_is_numbered_and_has_a_stamp_box(
        rendered: tuple[Path, EvidenceData, int]) -> None:
    pages = pdf_pages_text(rendered[0].read_bytes())
    for number, text in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", text)
        assert f"第{number}页/共{len(pages)}页" in flat
        assert "服务单位盖章" in flat


def test_cover_and_summary_text(rendered: tuple[Path, EvidenceData, int]) -> None:
    _, data, _ = rendered
    pages = pdf_pages_text(rendered[0].read_bytes())
    cover = re.sub(r"\s+", "", pages[0])
    for needle in ("北京安防维保有限公司", "运维部", "王经理", "010-12345678", "2026-01-01",
                   "2026-12-31", "邀请单位数unitsinvited5", "回复单位数unitsresponded4",
                   "94.00", "二星", data.key_fingerprint, data.chain[-1].record_hash):
        assert needle in cover, needle
    summary = pages[1]
    for name in ("北京市第一人民医院", "海淀区图书馆", "朝阳区实验中学", "东城区文化馆", "未回复"):
        assert name in summary
    assert "历史版本" in summary and "88" in summary


def test_each_form_page_reproduces_table_a1(rendered: tuple[Path, EvidenceData, int]) -> None:
    _, data, summary_pages = rendered
    pages = pdf_pages_text(rendered[0].read_bytes())
    form_pages = pages[1 + summary_pages:]
    for response, text in zip(data.current, form_pages, strict=True):
        raw = {"response_id": response.id, "record_hash": response.record_hash,
               "view": record_view(*signed_parts(response))}
        assert page_problems(raw, text) == []
        for item in ITEMS:
            assert item.name_zh in text
        for label in ("用户单位名称", "用户主管部门名称", "服务单位名称", "服务主管部门名称",
                      "评价总分值", "评价日期", "签字盖章", "回执码"):
            assert label in text
        assert response.signer_name in text and str(response.total) in text
    pdf_scan = [r.scan_name for r in data.current].index("form-4.pdf")
    assert "纸质表扫描件为 PDF" in form_pages[pdf_scan] and "form-4.pdf" in form_pages[pdf_scan]
    image_scan = [r.scan_name for r in data.current].index("form-3.jpg")
    assert "纸质表扫描件 paper scan" in form_pages[image_scan]


def test_page_problems_can_fail(rendered: tuple[Path, EvidenceData, int]) -> None:
    _, data, summary_pages = rendered
    pages = pdf_pages_text(rendered[0].read_bytes())
    response: Response = data.current[0]
    raw = {"response_id": response.id, "record_hash": response.record_hash,
           "view": {**record_view(*signed_parts(response)), "total": response.total - 1}}
    assert any("total" in p for p in page_problems(raw, pages[1 + summary_pages]))
    assert page_problems(raw, pages[2 + summary_pages])  # another form's page


def test_rendered_pages_and_qr_codes(rendered: tuple[Path, EvidenceData, int]) -> None:
    path, data, summary_pages = rendered
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(path), str(prefix)], check=True)
    images = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(images) == 1 + summary_pages + len(data.current)
    for response, image in zip(data.current, images[1 + summary_pages:], strict=True):
        codes = decode(Image.open(image))
        assert [c.data.decode() for c in codes] == [f"http://survey.test/?h={response.record_hash}"]
    assert decode(Image.open(images[0])) == []  # the cover carries no record QR
