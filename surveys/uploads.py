"""Checking uploaded images and scans by their content, not their names."""

from __future__ import annotations

import io
import logging

from PIL import Image, UnidentifiedImageError

from surveys.errors import FieldError, ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_SCAN_PAGES = 20
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF", "BMP"}


def image_format(data: bytes) -> str | None:
    """Return the image format Pillow finds in the bytes (e.g. 'PNG'), or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return str(image.format) if image.format else None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def is_pdf(data: bytes) -> bool:
    """Return True when the bytes start like a PDF document."""
    return data[:5] == b"%PDF-"


def _too_big(field: str, limit: int, size: int) -> FieldError:
    """Return the error for an oversize upload."""
    return FieldError(field, f"文件过大（{size // 1024} KB，最大 {limit // 1024 // 1024} MB）",
                      f"file too large ({size // 1024} KB, max {limit // 1024 // 1024} MB)")


def check_image(data: bytes, *, field: str = "seal", limit: int = MAX_IMAGE_BYTES) -> bytes:
    """Return the bytes if they are an image within the size limit, else raise ValidationFailed."""
    if len(data) > limit:
        raise ValidationFailed([_too_big(field, limit, len(data))])
    if image_format(data) not in IMAGE_FORMATS:
        raise ValidationFailed([FieldError(field, "只能上传图片（PNG、JPEG 等）",
                                           "only images (PNG, JPEG, ...) can be uploaded")])
    return data


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
