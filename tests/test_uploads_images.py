"""Seal images: bounded in bytes and pixels, re-encoded upright without metadata (issue 13 §5)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from surveys.errors import ValidationFailed
from surveys.uploads import MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, check_image


def png_header_only(width: int, height: int) -> bytes:
    """Return a tiny PNG that declares width x height (a pixel bomb: ~100 bytes on disk)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def camera_jpeg(width: int = 4000, height: int = 3000, orientation: int = 6) -> bytes:
    """Return a camera-like JPEG with EXIF orientation and a GPS position."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)   # GPSLatitude: Beijing
    gps[3], gps[4] = "E", (116.0, 23.0, 17.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


def reason(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    """Return the Chinese and English messages of the one field error, joined."""
    [error] = exc.value.errors
    assert error.field == "seal"
    return f"{error.zh} | {error.en}"


@pytest.mark.parametrize("width,height", [(30000, 30000), (12000, 12000), (20000, 5000)])
def test_pixel_bombs_are_refused_with_a_message(width: int, height: int) -> None:
    data = png_header_only(width, height)
    assert len(data) < 200
    with pytest.raises(ValidationFailed) as exc:
        check_image(data, field="seal")
    assert "像素" in reason(exc) and "pixels" in reason(exc)


def test_camera_photo_is_stored_upright_downscaled_without_exif_or_gps() -> None:
    data = camera_jpeg()
    stored = check_image(data, field="seal")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= MAX_IMAGE_SIDE
        assert image.size[1] > image.size[0]  # turned upright by the EXIF orientation
        assert "exif" not in image.info and not image.getexif()
    assert b"PhoneMaker" not in stored and len(stored) < len(data)


def test_transparent_png_stays_png_with_alpha_and_loses_text_chunks() -> None:
    image = Image.new("RGBA", (300, 300), (255, 0, 0, 0))
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Comment", "GPS 39.9N 116.4E")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    stored = check_image(out.getvalue(), field="seal")
    assert b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as again:
        assert again.format == "PNG" and again.mode == "RGBA"


def test_clean_small_image_is_kept_byte_for_byte() -> None:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, format="PNG")
    assert check_image(out.getvalue(), field="seal") == out.getvalue()
    assert check_image(check_image(camera_jpeg(800, 600)), field="seal") == check_image(
        camera_jpeg(800, 600))


def test_heic_photo_is_read_and_stored_as_jpeg() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(Image.new("RGB", (640, 480), "blue")).save(out, format="HEIF")
    except Exception as exc:  # an encoder-less libheif build can only read
        pytest.skip(f"no HEIF encoder to make a sample: {exc}")
    stored = check_image(out.getvalue(), field="seal")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (640, 480)


@pytest.mark.parametrize("data,words", [
    (b"x" * (MAX_IMAGE_BYTES + 1), ("文件过大", "20 MB")),
    (b"%PDF-1.4 not a picture", ("无法识别", "not one")),
    (png_header_only(100, 100)[:40], ("无法识别", "not one")),
])
def test_oversize_and_unreadable_files_are_refused(data: bytes, words: tuple[str, str]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_image(data, field="seal")
    assert all(word in reason(exc) for word in words)
