"""Shared builders for the evidence tests: forms with real images, scans and a correction."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

from fpdf import FPDF
from PIL import Image, ImageDraw

from analytics.evidence_bundle import build_bundle
from analytics.evidence_data import EvidenceData, collect_evidence
from surveys import responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.demo import signature_png
from surveys.models import Response
from surveys.validation import validate_response
from tests.factories import (
    make_client,
    make_provider,
    open_campaign,
    scores_for_total,
    submit,
    submit_web,
)

YEAR = 2026


def seal_png() -> bytes:
    """Return a red round seal image."""
    image = Image.new("RGB", (200, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 190, 190), outline=(200, 0, 0), width=8)
    draw.regular_polygon((100, 100, 30), 5, fill=(200, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def scan_jpeg() -> bytes:
    """Return a JPEG standing in for a photographed paper form."""
    image = Image.new("RGB", (420, 600), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(40, 560, 40):
        draw.line((30, y, 390, y), fill=(60, 60, 60), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


def scan_pdf() -> bytes:
    """Return a one-page PDF standing in for a scanned paper form."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "scanned paper form")
    return bytes(pdf.output())


def store(ctx: Context, provider_id: int, client_id: int, total: int, *, signer: str,
          attachments: responses.Attachments, when: date | None = None,
          comment: str = "=cmd|' /C calc'!A0 服务及时", reason: str = "") -> Response:
    """Return a stored paper form with the given attachments."""
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(scores_for_total(total))}
    raw.update(evaluation_date=when or date(YEAR, 6, 15), signer_name=signer,
               signer_title="保卫处处长", comment=comment)
    valid = validate_response(raw, window=(date(YEAR, 1, 1), date(YEAR + 1, 6, 30)),
                              today=date(YEAR, 11, 24))
    return run_write(ctx.engine, lambda s: responses.submit_paper(
        session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider_id, year=YEAR,
        client_id=client_id, valid=valid, attachments=attachments, reason=reason,
        today=date(YEAR, 11, 24)))


def seed_year(ctx: Context) -> tuple[int, list[Response]]:
    """Return a provider and its stored forms: four clients, one corrected, one not answering."""
    provider = make_provider(ctx)
    names = ["北京市第一人民医院", "=HYPERLINK(\"http://evil\")", "海淀区图书馆", "朝阳区实验中学",
             "东城区文化馆"]
    clients = [make_client(ctx, provider, n, years={YEAR: "80000"}) for n in names]
    open_campaign(ctx, provider, YEAR)
    sig, seal = signature_png("张伟", 1), seal_png()
    stored = [
        store(ctx, provider, clients[0], 88, signer="张伟",
              attachments=responses.Attachments(signature_png=sig, seal_image=seal)),
        store(ctx, provider, clients[1], 95, signer="-王芳",
              attachments=responses.Attachments(signature_png=signature_png("王芳", 2))),
        store(ctx, provider, clients[2], 91, signer="李娜",
              attachments=responses.Attachments(seal_image=seal, scan=scan_jpeg(),
                                                scan_name="form-3.jpg")),
        store(ctx, provider, clients[3], 97, signer="刘洋",
              attachments=responses.Attachments(scan=scan_pdf(), scan_name="form-4.pdf")),
    ]
    stored.append(store(ctx, provider, clients[0], 93, signer="张伟", reason="纸质表第 3 项誊写有误",
                        attachments=responses.Attachments(signature_png=sig, seal_image=seal)))
    return provider, stored


def evidence(ctx: Context, provider_id: int) -> EvidenceData:
    """Return the collected evidence of the provider's year."""
    with read_session(ctx.engine) as session:
        return collect_evidence(session=session, actor=SYSTEM, signer=ctx.signer,
                                provider_id=provider_id, year=YEAR,
                                base_url="http://survey.test/")


def bundle(ctx: Context, provider_id: int,
           progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """Return the bundle bytes of the provider's year."""
    return build_bundle(evidence(ctx, provider_id), ctx.signer, progress)


def make_bundle(ctx: Context, provider: int, year: int) -> bytes:
    """Return the bundle of a provider-year."""
    with read_session(ctx.engine) as s:
        data = collect_evidence(session=s, actor=SYSTEM, signer=ctx.signer,
                                provider_id=provider, year=year, base_url="http://survey.test")
    return build_bundle(data, ctx.signer)


def rewrite(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """Return a copy of a zip whose files were changed by change(files)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def seed_two_years(ctx: Context) -> tuple[int, list[int]]:
    """Return a provider and its four clients after two campaigns (2025, 2026).

    In 2026 staff replaced client 0's web form, client 1 answered on paper, 2 and 3 did not.
    """
    provider = make_provider(ctx)
    units = [make_client(ctx, provider, name, key_unit=key, years={2025: 200000, 2026: 160000})
             for name, key in (("甲医院", True), ("乙中学", False), ("丙图书馆", False),
                               ("丁银行", False))]
    for year in (2025, 2026):
        open_campaign(ctx, provider, year)
    submit(ctx, provider, 2025, units[0], 93, signer="去年签字人")
    submit(ctx, provider, 2025, units[1], 91, signer="去年签字人")
    submit_web(ctx, provider, units[0], 84, today=date(2026, 6, 20))
    submit(ctx, provider, 2026, units[1], 92, signer="李四", when=date(2026, 6, 2))
    submit(ctx, provider, 2026, units[0], 96, signer="王五", when=date(2026, 6, 1),
           reason="用户电话要求按纸质表更正", today=date(2026, 6, 21))
    return provider, units
