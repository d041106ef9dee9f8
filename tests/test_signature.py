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


def png_of(pixels: np.ndarray) -> bytes:
    """Return pixels (grey, RGB or RGBA) as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_an_all_black_image_is_no_signature(mode: str) -> None:
    black = Image.new(mode, (300, 120), 0 if mode == "L" else (0, 0, 0, 255)[:len(mode)])
    buffer = io.BytesIO()
    black.save(buffer, format="PNG")
    assert png_is_blank(buffer.getvalue())
    assert trim_signature(np.asarray(black)) is None


@pytest.mark.parametrize(("inked", "blank"), [(200, False), (201, True), (400, True)])
def test_more_than_half_the_pad_inked_is_no_signature(inked: int, blank: bool) -> None:
    pixels = np.full((20, 20), 255, np.uint8)
    pixels.reshape(-1)[:inked] = 0  # rows filled from the top: extent 20 px
    assert png_is_blank(png_of(pixels)) is blank
    assert (trim_signature(pixels) is None) is blank


# (rows, cols) of one black block on a white pad: the thresholds at their bounds
@pytest.mark.parametrize(("rows", "cols", "blank"), [
    (slice(50, 51), slice(20, 60), False),   # 40 pixels (MIN_INK_PIXELS), 40 px long
    (slice(50, 51), slice(20, 59), True),    # 39 pixels
    (slice(50, 54), slice(20, 32), False),   # 48 pixels spanning 12 px (MIN_EXTENT)
    (slice(50, 54), slice(20, 31), True),    # 44 pixels spanning 11 px
    (slice(40, 52), slice(20, 24), False),   # 12 px tall
    (slice(40, 51), slice(20, 24), True),    # 11 px tall
])
def test_thresholds_at_their_bounds(rows: slice, cols: slice, blank: bool) -> None:
    for transparent in (False, True):
        assert (trim_signature(stroke(pad(transparent), rows, cols)) is None) is blank
    grey = np.full((120, 300), 255, np.uint8)
    grey[rows, cols] = 0
    assert (trim_signature(grey) is None) is blank
    assert png_is_blank(png_of(grey)) is blank


@pytest.mark.parametrize(("value", "ink"), [(159, True), (160, False)])
def test_darkness_bound(value: int, ink: bool) -> None:
    rgba = stroke(pad(), slice(40, 44), slice(20, 200))
    rgba[40:44, 20:200, :3] = value
    rgb = np.ascontiguousarray(rgba[..., :3])
    grey = np.ascontiguousarray(rgba[..., 0])
    for pixels in (rgba, rgb, grey):
        assert (trim_signature(pixels) is not None) is ink


def test_darkness_is_judged_by_the_darkest_channel() -> None:
    rgba = stroke(pad(), slice(40, 44), slice(20, 200))
    rgba[40:44, 20:200, :3] = (255, 255, 100)  # one dark channel is ink
    assert trim_signature(rgba) is not None


@pytest.mark.parametrize(("alpha", "ink"), [(32, False), (33, True)])
def test_alpha_bound(alpha: int, ink: bool) -> None:
    rgba = stroke(pad(transparent=True), slice(40, 44), slice(20, 200))
    rgba[40:44, 20:200, 3] = alpha
    assert (trim_signature(rgba) is not None) is ink


def test_the_crop_keeps_a_margin_of_8_inside_the_pad() -> None:
    png = trim_signature(stroke(pad(), slice(0, 4), slice(0, 100)))  # at the top-left corner
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (100 + 8, 4 + 8)
    png = trim_signature(stroke(pad(), slice(116, 120), slice(200, 300)))  # bottom-right
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (100 + 8, 4 + 8)
    strokes = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert strokes[8:, 8:].max() == 0 and strokes[:8].min() == 255 and strokes[:, :8].min() == 255


@pytest.mark.parametrize("pixels", [np.zeros((0, 0), np.uint8), np.zeros((2, 2, 2, 2), np.uint8),
                                    np.zeros(5, np.uint8)])
def test_odd_arrays_are_blank(pixels: np.ndarray) -> None:
    assert trim_signature(pixels) is None


def test_a_see_through_white_pixel_is_not_ink() -> None:
    rgba = stroke(pad(transparent=True), slice(40, 44), slice(20, 200))
    rgba[60:70, 20:200] = (255, 255, 255, 100)  # half-transparent white: no ink
    png = trim_signature(rgba)
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (180 + 16, 4 + 16)


def test_a_grey_and_alpha_png_on_a_transparent_black_pad() -> None:
    la = np.zeros((120, 300, 2), np.uint8)  # (grey, alpha): transparent black, as canvases send
    la[40:44, 20:200] = (0, 255)
    buffer = io.BytesIO()
    Image.fromarray(la, mode="LA").save(buffer, format="PNG")
    assert not png_is_blank(buffer.getvalue())


def test_a_tall_narrow_pad_is_cropped_at_its_bottom() -> None:
    tall = np.full((300, 40, 4), 255, np.uint8)
    tall[100:290, 10:14] = (0, 0, 0, 255)
    png = trim_signature(tall)
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (4 + 16, 190 + 16)
