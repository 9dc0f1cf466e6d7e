"""Tests of app.engine.preprocess.decode: what untrusted image bytes are refused, and how."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from app.engine.errors import InvalidInput
from app.engine.preprocess.decode import decode_image


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` greyscale pixels but holds none."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


SMALL = Image.fromarray(np.arange(64 * 48, dtype=np.uint8).reshape(48, 64))


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_the_usual_formats_are_decoded(image_format: str) -> None:
    image = decode_image(encoded(SMALL, image_format))
    assert image.size == (64, 48)


def test_a_photo_is_turned_upright_from_its_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; rotate 90 degrees clockwise
    image = decode_image(encoded(SMALL, "JPEG", exif=exif))
    assert image.size == (48, 64)


def test_empty_data_is_refused() -> None:
    with pytest.raises(InvalidInput, match="expected image bytes, got an empty upload"):
        decode_image(b"")


def test_too_many_bytes_are_refused_before_anything_else() -> None:
    with pytest.raises(InvalidInput, match="expected an image of at most 1000 bytes, got 1001"):
        decode_image(b"\x00" * 1001, max_bytes=1000)


def test_too_many_pixels_are_refused_from_the_header() -> None:
    """A real, highly compressible image: 2000x2000 white pixels in a few kilobytes."""
    data = encoded(Image.new("L", (2000, 2000), 255), "PNG", optimize=True)
    assert len(data) < 20_000
    with pytest.raises(InvalidInput, match="at most 1000000 pixels, got 2000x2000 = 4000000"):
        decode_image(data, max_pixels=1_000_000)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow warns on open
@pytest.mark.parametrize("side", [5_000, 12_000, 100_000])
def test_decompression_bombs_are_refused_unread(side: int) -> None:
    """5000^2 exceeds our limit; 12000^2 Pillow's warning limit, 100000^2 its error limit."""
    with pytest.raises(InvalidInput, match="pixels"):
        decode_image(png_header(side, side))


def test_pillows_own_bomb_guard_becomes_invalid_input() -> None:
    # With our limit raised past Pillow's, Pillow's DecompressionBombError still stops it.
    with pytest.raises(
        InvalidInput, match=r"expected an image of at most \d+ pixels, got a larger"
    ):
        decode_image(png_header(100_000, 100_000), max_pixels=10**12)


@pytest.mark.parametrize(
    ("image_format", "name"), [("TIFF", "TIFF"), ("ICO", "ICO"), ("PPM", "PPM")]
)
def test_other_formats_are_refused_by_name(image_format: str, name: str) -> None:
    with pytest.raises(
        InvalidInput, match=f"expected a PNG, JPEG, GIF, BMP or WEBP image, got a {name} image"
    ):
        decode_image(encoded(SMALL, image_format))


def test_data_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(InvalidInput, match="got data that is not an image"):
        decode_image(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_truncated_data_is_refused_as_corrupt(image_format: str) -> None:
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8))
    data = encoded(noise, image_format)
    with pytest.raises(InvalidInput, match="expected a readable image, got corrupt data"):
        decode_image(data[: len(data) // 2])
