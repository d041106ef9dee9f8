"""Real scan files for tests: a PDF that parses and a small PNG."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_scan(pages: int = 1) -> bytes:
    """Return a real A4 PDF of blank pages (what a scanner saves, less the picture)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_scan() -> bytes:
    """Return a small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (40, 56), "white").save(out, format="PNG")
    return out.getvalue()
