"""Checking uploaded images and scans by their content, not their names."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from surveys.errors import FieldError, ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SCAN_BYTES = 10 * 1024 * 1024
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


def check_scan(data: bytes, *, field: str = "scan", limit: int = MAX_SCAN_BYTES) -> bytes:
    """Return the bytes if they are an image or a PDF within the size limit."""
    if len(data) > limit:
        raise ValidationFailed([_too_big(field, limit, len(data))])
    if not is_pdf(data) and image_format(data) not in IMAGE_FORMATS:
        raise ValidationFailed([FieldError(field, "扫描件只能是图片或 PDF",
                                           "the scan must be an image or a PDF")])
    return data
