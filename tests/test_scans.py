"""A scan must really be one: PDFs parsed by pypdf, images through the image check."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter

from surveys import uploads
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from surveys.errors import ValidationFailed
from surveys.paper_entry import enter_paper_form
from surveys.response_import import import_paper_forms
from tests import factories
from tests.scans import pdf_scan, png_scan

# Parsing a scan does not depend on the back-end: these run on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
GOOD = {**{f"item{i + 1}": v for i, v in enumerate(factories.FULL_MARKS)},
        "evaluation_date": date(2026, 4, 1), "signer_name": "王五"}


def written(writer: PdfWriter) -> bytes:
    """Return the PDF a writer makes."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted() -> bytes:
    """Return a one-page PDF that needs a password."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    return written(writer)


def pages(count: int) -> bytes:
    """Return a PDF of count blank pages."""
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    return written(writer)


BAD_SCANS = {
    "a %PDF- prefix and nothing else": (b"%PDF-1.4 test scan", "damaged"),
    "a truncated PDF": (pdf_scan()[:200], "damaged"),
    "a PDF with a hole": (pdf_scan()[:200] + b"\0" * 100 + pdf_scan()[300:], "damaged"),
    "an encrypted PDF": (encrypted(), "encrypted"),
    "a PDF without pages": (pages(0), "1 to 20 pages"),
    "a PDF of 21 pages": (pages(21), "1 to 20 pages"),
    "an executable": (b"MZ\x90\x00 an executable", "image or a PDF"),
}


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, int]:
    """Return the context, a provider and an invited client of its 2026 campaign."""
    return factories.invited_client(ctx)


def enter(scene: tuple[Context, int, int], scan: bytes) -> object:
    """Return the stored paper form with the scan."""
    ctx, provider, client = scene
    return run_write(ctx.engine, lambda s: enter_paper_form(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
        client_id=client, raw=GOOD, scan=scan, scan_name="scan.pdf", today=factories.TODAY))


@pytest.mark.parametrize("case", list(BAD_SCANS))
@SQLITE_ONLY
def test_a_scan_that_does_not_parse_is_refused_on_the_page_and_in_imports(
    scene: tuple[Context, int, int], tmp_path: Path, case: str
) -> None:
    data, message = BAD_SCANS[case]
    with pytest.raises(ValidationFailed) as caught:
        enter(scene, data)
    assert [e.field for e in caught.value.errors] == ["scan"]
    assert message in caught.value.errors[0].en
    ctx, provider, _ = scene
    (tmp_path / "s.pdf").write_bytes(data)
    sheet = ("client,date,signer,item1,item2,item3,item4,item5,item6,item7,item8,item9,scan\n"
             "甲,2026-04-01,王五,10,5,15,5,10,10,15,15,15,s.pdf\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, lambda s: import_paper_forms(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
            data=sheet, filename="p.csv", today=factories.TODAY, base_dir=tmp_path))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "scan")]
    assert message in caught.value.errors[0].en


def test_a_real_pdf_is_stored_as_it_came(scene: tuple[Context, int, int]) -> None:
    assert enter(scene, pdf_scan(3)).scan == pdf_scan(3)  # type: ignore[attr-defined]


@SQLITE_ONLY
def test_an_image_scan_is_stored_as_the_image_check_returns_it(
    scene: tuple[Context, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bytes, str]] = []

    def re_encoded(data: bytes, *, field: str = "seal", limit: int = 0) -> bytes:
        seen.append((data, field))
        return png_scan() + b"re-encoded"
    monkeypatch.setattr(uploads, "check_image", re_encoded)
    stored = enter(scene, png_scan())
    assert seen == [(png_scan(), "scan")]
    assert stored.scan == png_scan() + b"re-encoded"  # type: ignore[attr-defined]


@SQLITE_ONLY
def test_an_oversize_scan_file_is_refused_without_reading_it_whole(
    scene: tuple[Context, int, int], tmp_path: Path
) -> None:
    ctx, provider, _ = scene
    with (tmp_path / "huge.pdf").open("wb") as out:
        out.truncate(2 * 1024 * 1024 * 1024)  # 2 GB, sparse
    sheet = ("client,date,signer,item1,item2,item3,item4,item5,item6,item7,item8,item9,scan\n"
             "甲,2026-04-01,王五,10,5,15,5,10,10,15,15,15,huge.pdf\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, lambda s: import_paper_forms(
            session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
            data=sheet, filename="p.csv", today=factories.TODAY, base_dir=tmp_path))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "scan")]
    assert "too large (2048 MB, at most 10 MB)" in caught.value.errors[0].en
