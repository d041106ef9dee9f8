"""The CJK font for PDFs (fpdf2): Debian's Noto Sans CJK SC, embedded as a subset."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from surveys.errors import SurveyError

FONT_FAMILY = "NotoSansCJK"
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
SC_INDEX = 2  # "Noto Sans CJK SC" inside the .ttc collection


def find_font(weight: str = "Regular") -> Path:
    """Return the path of NotoSansCJK-<weight>.ttc, or raise SurveyError naming the package."""
    for folder in FONT_DIRS:
        path = folder / f"NotoSansCJK-{weight}.ttc"
        if path.exists():
            return path
    raise SurveyError("找不到中文字体 / no CJK font found: install the Debian package "
                      "'fonts-noto-cjk' (apt-get install fonts-noto-cjk)")


def add_cjk_font(pdf: FPDF) -> str:
    """Return the font family name after registering regular and bold CJK styles on pdf."""
    pdf.add_font(FONT_FAMILY, "", str(find_font("Regular")), collection_font_number=SC_INDEX)
    pdf.add_font(FONT_FAMILY, "B", str(find_font("Bold")), collection_font_number=SC_INDEX)
    return FONT_FAMILY
