"""Signatures: blank pads are detected from pixels; strokes are kept, cropped."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from surveys.signature import MIN_INK_PIXELS, png_is_blank, trim_signature


def pad(transparent: bool = False) -> np.ndarray:
    """Return an empty 120 x 300 RGBA pad (white, or transparent as the canvas sends it)."""
    return np.zeros((120, 300, 4), np.uint8) if transparent else np.full((120, 300, 4), 255,
                                                                          np.uint8)


def stroke(pixels: np.ndarray, rows: slice, cols: slice) -> np.ndarray:
    """Return the pad with an opaque black block drawn."""
    drawn = pixels.copy()
    drawn[rows, cols] = (0, 0, 0, 255)
    return drawn


@pytest.mark.parametrize("transparent", [False, True])
@pytest.mark.parametrize(("rows", "cols", "blank"), [
    (slice(0, 0), slice(0, 0), True),                  # nothing drawn
    (slice(50, 52), slice(50, 52), True),              # a tap: 4 pixels
    (slice(50, 53), slice(50, 50 + MIN_INK_PIXELS // 3 - 1), True),  # too little ink
    (slice(50, 54), slice(50, 60), True),              # 40 pixels but spans < 12 px
    (slice(40, 44), slice(20, 200), False),            # a line
    (slice(10, 110), slice(100, 103), False),          # a vertical stroke
])
def test_blank_detection(transparent: bool, rows: slice, cols: slice, blank: bool) -> None:
    result = trim_signature(stroke(pad(transparent), rows, cols))
    assert (result is None) is blank


def test_trimmed_png_is_cropped_to_strokes() -> None:
    png = trim_signature(stroke(pad(), slice(40, 44), slice(20, 200)))
    assert png is not None
    image = Image.open(io.BytesIO(png))
    assert image.size == (180 + 16, 4 + 16)
    assert not png_is_blank(png)


def test_light_grey_marks_are_not_ink() -> None:
    pixels = pad()
    pixels[40:60, 20:200] = (220, 220, 220, 255)
    assert trim_signature(pixels) is None


@pytest.mark.parametrize("data", [None, b"", b"not a png"])
def test_unreadable_pngs_are_blank(data: bytes | None) -> None:
    assert png_is_blank(data)
