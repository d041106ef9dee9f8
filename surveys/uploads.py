"""Checking uploaded images and scans by their content, not their names.

Images (a seal photo, straight from a phone camera) are bounded three ways while they are read:
bytes (MAX_IMAGE_BYTES), pixels declared in the header (MAX_IMAGE_PIXELS, checked before any
pixel is decoded, so a 30000x30000 PNG of 150 KB costs nothing) and decoded size (JPEG is
decoded at a reduced scale when it is large). What is stored is re-encoded: turned upright,
at most MAX_IMAGE_SIDE pixels on the long side, without EXIF, GPS, XMP or text chunks.
"""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from surveys.errors import FieldError, ValidationFailed

try:  # HEIC/HEIF photos (iPhone) where the pillow-heif wheel is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - the dependency is declared
    pass

MAX_IMAGE_BYTES = 20 * 1024 * 1024     # an ordinary camera photo
MAX_IMAGE_PIXELS = 50_000_000          # 50 megapixels (a 48 MP phone photo passes)
MAX_IMAGE_SIDE = 2000                  # long side of the stored image
JPEG_QUALITY = 85
MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_SCAN_PAGES = 20
IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "WEBP", "GIF", "BMP", "HEIF"}
_CLEAN_FORMATS = {"PNG", "JPEG"}
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "photoshop")


def image_format(data: bytes) -> str | None:
    """Return the image format Pillow finds in the bytes (e.g. 'PNG'), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return str(image.format) if image.format else None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def is_pdf(data: bytes) -> bool:
    """Return True when the bytes start like a PDF document."""
    return data[:5] == b"%PDF-"


def _too_big(field: str, limit: int, size: int) -> FieldError:
    """Return the error for an oversize upload."""
    return FieldError(field, f"文件过大（{size // 1024} KB，最大 {limit // 1024 // 1024} MB）",
                      f"file too large ({size // 1024} KB, max {limit // 1024 // 1024} MB)")


def _not_image(field: str) -> ValidationFailed:
    """Return the error for bytes that are no image we can read."""
    return ValidationFailed([FieldError(
        field, "只能上传照片或图片（JPEG、PNG、HEIC 等），此文件无法识别",
        "only photos or pictures (JPEG, PNG, HEIC, ...) can be uploaded; this file is not one")])


def _too_many_pixels(field: str, width: int = 0, height: int = 0) -> ValidationFailed:
    """Return the error for an image whose declared size is beyond the pixel bound."""
    mp = MAX_IMAGE_PIXELS // 1_000_000
    zh_size, en_size = (f"{width}×{height} 像素，", f"{width}x{height} pixels, ") if width else ("", "")
    return ValidationFailed([FieldError(
        field, f"图片尺寸过大（{zh_size}最多 {mp} 百万像素），请换一张照片",
        f"the picture is too large ({en_size}at most {mp} megapixels); please use another photo")])


def _is_clean(image: Image.Image) -> bool:
    """Return True when an opened image is already what we store (no re-encoding needed)."""
    return (image.format in _CLEAN_FORMATS and max(image.size) <= MAX_IMAGE_SIDE
            and not any(key in image.info for key in _METADATA_KEYS)
            and not getattr(image, "text", None) and not getattr(image, "is_animated", False))


def _encode(image: Image.Image) -> bytes:
    """Return the image upright, downscaled to MAX_IMAGE_SIDE, as JPEG (or PNG with alpha)."""
    image = ImageOps.exif_transpose(image) or image
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                                   and "transparency" in image.info)
    out = io.BytesIO()
    if alpha:
        image.convert("RGBA").save(out, format="PNG")
    else:
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def check_image(data: bytes, *, field: str = "seal", limit: int = MAX_IMAGE_BYTES) -> bytes:
    """Return the bytes to store: the image bounded and re-encoded without metadata.

    Raises ValidationFailed naming the field for too many bytes, too many pixels, or bytes
    that are no readable image. An image that is already clean (PNG/JPEG, small, without
    metadata) is returned unchanged, so checking stored bytes again costs one decode.
    """
    if len(data) > limit:
        raise ValidationFailed([_too_big(field, limit, len(data))])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(field, width, height)
                if image.format not in IMAGE_FORMATS:
                    raise _not_image(field)
                if _is_clean(image):
                    image.load()
                    return data
                if image.format in ("JPEG", "MPO"):
                    image.draft("RGB", (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))  # decode at 1/2..1/8
                image.load()
                return _encode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _not_image(field) from None


def check_pdf(data: bytes, *, field: str = "scan") -> bytes:
    """Return the bytes if pypdf parses them as an unencrypted PDF of 1 to MAX_SCAN_PAGES pages."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # a broken upload is refused with a message, not logged
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationFailed([FieldError(
                field, "扫描件 PDF 已加密（设有密码），请另存为未加密的 PDF 后上传",
                "the scan PDF is encrypted (password-protected); save it without encryption")])
        pages = len(reader.pages)
        if not 1 <= pages <= MAX_SCAN_PAGES:
            raise ValidationFailed([FieldError(
                field, f"扫描件 PDF 应有 1 到 {MAX_SCAN_PAGES} 页（收到 {pages} 页）",
                f"the scan PDF must have 1 to {MAX_SCAN_PAGES} pages (it has {pages})")])
        for page in reader.pages:
            if page.mediabox.width <= 0 or page.mediabox.height <= 0:
                raise ValueError("empty page")
    except ValidationFailed:
        raise
    except Exception as exc:  # pypdf raises many types for a broken file
        raise ValidationFailed([FieldError(
            field, "扫描件 PDF 已损坏或无法读取，请重新扫描或另存后上传",
            "the scan PDF is damaged or cannot be read; scan or save it again")]) from exc
    finally:
        quiet.setLevel(level)
    return data


def check_scan(data: bytes, *, field: str = "scan", limit: int = MAX_SCAN_BYTES) -> bytes:
    """Return the scan to store: a PDF that parses, or the image as check_image returns it."""
    if len(data) > limit:
        raise ValidationFailed([_too_big(field, limit, len(data))])
    if is_pdf(data):
        return check_pdf(data, field=field)
    if image_format(data) not in IMAGE_FORMATS:
        raise ValidationFailed([FieldError(field, "扫描件只能是图片或 PDF",
                                           "the scan must be an image or a PDF")])
    return check_image(data, field=field, limit=limit)
