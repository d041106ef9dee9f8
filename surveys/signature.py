"""Hand-drawn signatures: detect a blank pad from the pixels and keep a trimmed PNG."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

MIN_INK_PIXELS = 40   # a tap or a speck is not a signature
MIN_EXTENT = 12       # the strokes must span at least this many pixels one way or the other
MARGIN = 8
MAX_INK_SHARE = 0.5   # more ink than this share of the pad is a filled area, not a signature


def ink_mask(rgba: np.ndarray) -> np.ndarray:
    """Return a boolean mask of the pixels that carry ink (opaque enough and dark enough)."""
    pixels = np.asarray(rgba)
    if pixels.ndim == 2:
        return pixels < 160
    if pixels.shape[2] == 4:
        alpha = pixels[..., 3]
        dark = pixels[..., :3].min(axis=2) < 160
        return (alpha > 32) & dark
    return pixels[..., :3].min(axis=2) < 160


def _strokes(rgba: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return (ink mask, inked rows, inked columns), or None when the pad shows no signature."""
    if rgba is None:
        return None
    pixels = np.asarray(rgba)
    if pixels.ndim not in (2, 3) or pixels.size == 0:
        return None
    mask = ink_mask(pixels)
    ink = int(mask.sum())
    if ink < MIN_INK_PIXELS or ink > MAX_INK_SHARE * mask.size:
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 < MIN_EXTENT:
        return None
    return mask, rows, cols


def trim_signature(rgba: np.ndarray | None) -> bytes | None:
    """Return the signature cropped to its strokes as PNG on white, or None when the pad is blank."""
    found = _strokes(rgba)
    if found is None:
        return None
    mask, rows, cols = found
    top, bottom = max(0, rows[0] - MARGIN), min(mask.shape[0], rows[-1] + MARGIN + 1)
    left, right = max(0, cols[0] - MARGIN), min(mask.shape[1], cols[-1] + MARGIN + 1)
    crop = mask[top:bottom, left:right]
    grey = np.where(crop, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_is_blank(png: bytes | None) -> bool:
    """Return True when the PNG is missing, unreadable or shows no signature strokes.

    A pad inked all over (an all-black image) shows no strokes either: it is refused too.
    """
    if not png:
        return True
    try:
        with Image.open(io.BytesIO(png)) as image:
            pixels = np.asarray(image.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError):
        return True
    return _strokes(pixels) is None
