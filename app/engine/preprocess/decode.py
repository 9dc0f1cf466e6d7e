"""Untrusted image bytes -> a decoded Pillow image, refusing anything risky.

In order, before any pixel is decoded: the byte size, the format (PNG, JPEG, GIF, BMP or
WEBP: common, and what browsers upload) and the pixel count written in the header, so a
small file that would expand to gigabytes (a decompression bomb) is refused unread.
Pillow's own DecompressionBombError, should it fire, is also turned into InvalidInput.
Everything else Pillow raises while reading means the data is corrupt, and becomes
InvalidInput too.
"""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from app.engine.errors import InvalidInput

# Pillow's format names; MPO is how Pillow names a JPEG holding several pictures, as some
# cameras and phones write them.
FORMATS = ("PNG", "JPEG", "MPO", "GIF", "BMP", "WEBP")
_FORMAT_NAMES = "PNG, JPEG, GIF, BMP or WEBP"
MAX_BYTES = 10_000_000  # about 10 MB
MAX_PIXELS = 4096 * 4096  # 16.8 megapixels: a 12-megapixel phone photo passes

# What Pillow raises on corrupt or truncated data (UnidentifiedImageError is an OSError).
_CORRUPT = (OSError, SyntaxError, ValueError, EOFError)


def decode_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """The first frame of the image in ``data``, decoded and turned upright (EXIF).

    Raises InvalidInput if ``data`` is empty or longer than ``max_bytes``, is not an
    image in one of FORMATS, declares more than ``max_pixels`` pixels, or is corrupt.
    """
    if not data:
        raise InvalidInput("expected image bytes, got an empty upload")
    if len(data) > max_bytes:
        raise InvalidInput(f"expected an image of at most {max_bytes} bytes, got {len(data)}")
    try:
        image = Image.open(io.BytesIO(data))
        # Our pixel limit is checked first and is far below Pillow's bomb thresholds, so
        # Pillow's process-wide warning machinery is never needed (nor thread-unsafe).
        _check_header(image, max_pixels)
        image.load()
        return ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except Image.DecompressionBombError as error:
        raise InvalidInput(
            f"expected an image of at most {max_pixels} pixels, got a larger one ({error})"
        ) from error
    except UnidentifiedImageError as error:
        raise InvalidInput(
            f"expected a {_FORMAT_NAMES} image, got data that is not an image"
        ) from error
    except _CORRUPT as error:
        raise InvalidInput(f"expected a readable image, got corrupt data ({error})") from error


def _check_header(image: Image.Image, max_pixels: int) -> None:
    """InvalidInput if the opened (not yet decoded) ``image`` has a refused format or size."""
    if image.format not in FORMATS:
        raise InvalidInput(f"expected a {_FORMAT_NAMES} image, got a {image.format} image")
    width, height = image.size
    if width * height > max_pixels:
        raise InvalidInput(
            f"expected an image of at most {max_pixels} pixels, "
            f"got {width}x{height} = {width * height}"
        )
