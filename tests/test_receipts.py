"""Receipts: the facts of a stored version and a PDF with embedded Chinese text."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from surveys.context import Context
from surveys.receipts import receipt_filename, receipt_of, receipt_pdf, receipt_png
from surveys.records import receipt_code
from tests.factories import links, make_client, make_provider, open_campaign, submit
from tests.test_web_form import signature_png


def test_receipt_of_a_stored_version(ctx: Context) -> None:
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "中关村/海淀 分校", years={2026: 1})
    open_campaign(ctx, provider, 2026)
    record = submit(ctx, provider, 2026, client, 93)
    receipt = receipt_of(record)
    assert (receipt.provider, receipt.client, receipt.total) == ("北京安防维保有限公司",
                                                                "中关村/海淀 分校", 93)
    assert sum(receipt.scores) == 93 and len(receipt.scores) == 9
    assert receipt.code == receipt_code(record.record_hash) and len(receipt.code) == 19
    assert receipt_filename(receipt) == "回执-中关村_海淀_分校-2026-v1.pdf"


def test_receipt_pdf_embeds_font_and_states_the_facts(ctx: Context, tmp_path: Path) -> None:
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "北京市第一医院", years={2026: 1})
    open_campaign(ctx, provider, 2026)
    record = submit(ctx, provider, 2026, client, 87, signature=signature_png())
    receipt = receipt_of(record)
    path = tmp_path / "r.pdf"
    path.write_bytes(receipt_pdf(receipt, signature_png=record.signature_png,
                                 verify_url=f"http://h/?h={record.record_hash}"))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("用户评价回执", "北京市第一医院", "北京安防维保有限公司", "服务业务管理能力",
                     "兑现服务承诺表现", "评价总分值", receipt.code, "2026-06-15", "张三",
                     record.record_hash[:32]):
        assert expected in text, expected
    assert " 87" in text
    assert "北京时间" in text and "UTC+8" in text
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == 2  # the signature and the verification QR code


def _web_record(ctx: Context) -> Any:
    """Return a web version with title, comment and a seal, stored at 23:30 UTC."""
    from datetime import UTC, datetime

    from surveys.models import Response
    from tests.test_uploads_images import camera_jpeg
    from tests.test_web_form import raw_form, submit

    provider = make_provider(ctx)
    make_client(ctx, provider, "北京市第一医院", years={2026: 1})
    open_campaign(ctx, provider, 2026)
    token = links(ctx, provider, 2026)[0]["url"].split("?t=")[1]
    record: Response = submit(ctx, token, raw=raw_form(signer_title="保卫处处长",
                                                       comment="夜间响应很快"),
                              seal=camera_jpeg(1200, 900))
    return replace_time(record, datetime(2026, 11, 24, 23, 30, tzinfo=UTC))


def replace_time(record: Any, moment: Any) -> Any:
    """Return the record with another submission time (display only; not stored)."""
    record.submitted_at = moment
    return record


def test_receipt_shows_title_comment_seal_and_beijing_time(ctx: Context, tmp_path: Path) -> None:
    record = _web_record(ctx)
    receipt = receipt_of(record)
    assert receipt.beijing_time() == "2026-11-25 07:30:00（北京时间 UTC+8）"
    url = f"http://h/?h={record.record_hash}"
    path = tmp_path / "r.pdf"
    path.write_bytes(receipt_pdf(receipt, signature_png=record.signature_png, verify_url=url,
                                 seal_image=record.seal_image))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("保卫处处长", "夜间响应很快", "2026-11-25 07:30:00", "北京时间", "单位公章"):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == 3  # signature, seal, QR code


def test_receipt_png_carries_the_code_and_a_readable_qr(ctx: Context) -> None:
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    record = _web_record(ctx)
    url = f"http://h/?h={record.record_hash}"
    png = receipt_png(receipt_of(record), signature_png=record.signature_png,
                      seal_image=record.seal_image, verify_url=url)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 900 and 1200 < image.height < 2600
    assert [found.data.decode() for found in decode(image)] == [url]


def test_unreadable_signature_bytes_are_left_out(ctx: Context, tmp_path: Path) -> None:
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "朝阳银行", years={2026: 1})
    open_campaign(ctx, provider, 2026)
    record = submit(ctx, provider, 2026, client, 90, signature=b"\x89PNG-not-really")
    path = tmp_path / "r.pdf"
    path.write_bytes(receipt_pdf(receipt_of(record), signature_png=record.signature_png))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "朝阳银行" in text and receipt_of(record).code in text
