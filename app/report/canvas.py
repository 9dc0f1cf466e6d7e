"""Drawing on Pillow canvases for the report's figures: text in Pillow's built-in font,
pictures in labelled grids, titles, and figures side by side.

Pictures are RGB arrays (h, w, 3) uint8 on white. Text uses Pillow's built-in font
(scalable when Pillow has FreeType, its fixed bitmap font otherwise), so no font file is
needed. That font has no arrow, so "→" in a text is drawn as a line with a head.
"""

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

RGB = NDArray[np.uint8]  # (h, w, 3)
Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

WHITE: Colour = (255, 255, 255)
TEXT: Colour = (21, 24, 39)
MUTED: Colour = (89, 96, 121)
FAINT: Colour = (138, 145, 167)
AXIS: Colour = (205, 210, 223)
ARROW = "→"


@cache
def font(size: int) -> Font:
    """Pillow's built-in font at ``size`` pixels (its fixed-size font without FreeType)."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # an older Pillow, or one without FreeType
        return ImageFont.load_default()


def text_width(text: str, size: int) -> int:
    """How many pixels wide `write` draws ``text``."""
    f = font(size)
    pieces = text.split(ARROW)
    return math.ceil(sum(f.getlength(p) for p in pieces) + (len(pieces) - 1) * size)


def write(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    text: str,
    *,
    size: int = 13,
    fill: Colour = TEXT,
    align: str = "left",
) -> None:
    """Draw one line of ``text``, its digits vertically centred on ``y``; ``x`` is its
    left end, centre or right end as ``align`` says ("left", "centre", "right")."""
    f = font(size)
    _, top, _, bottom = f.getbbox("0")
    x -= {"left": 0.0, "centre": 0.5, "right": 1.0}[align] * text_width(text, size)
    y -= (top + bottom) / 2
    for i, piece in enumerate(text.split(ARROW)):
        if i:  # the arrow: a shaft across most of a size-wide slot, and a head
            mid, head = y + (top + bottom) / 2, size * 0.28
            draw.line([(x + 2, mid), (x + size - 2, mid)], fill=fill, width=max(1, size // 10))
            draw.line([(x + size - 2 - head, mid - head), (x + size - 2, mid)], fill=fill)
            draw.line([(x + size - 2 - head, mid + head), (x + size - 2, mid)], fill=fill)
            x += size
        draw.text((x, y), piece, font=f, fill=fill)
        x += f.getlength(piece)


def canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A white RGB image ``width`` x ``height`` and a pen to draw on it."""
    image = Image.new("RGB", (width, height), WHITE)
    return image, ImageDraw.Draw(image)


def picture_grid(
    pictures: Sequence[NDArray[np.uint8]],
    labels: Sequence[str],
    *,
    columns: int,
    scale: int = 2,
    row_titles: Sequence[str] = (),
    border: bool = False,
) -> RGB:
    """Pictures, each (h, w) grayscale or (h, w, 3) RGB uint8 and all the same size, in rows
    of ``columns``, each ``scale`` times enlarged with its label below; ``row_titles`` are
    written left of their rows; ``border`` frames each picture. Returns (H, W, 3) uint8."""
    h, w = pictures[0].shape[:2]
    label_w = max((text_width(label, 12) for label in labels), default=0)
    cell_w, cell_h = max(w * scale, label_w) + 14, h * scale + 26
    left = 8 + max((text_width(t, 13) + 12 for t in row_titles), default=0)
    rows = -(-len(pictures) // columns)
    image, draw = canvas(left + columns * cell_w, 8 + rows * cell_h)
    for n, (picture, label) in enumerate(zip(pictures, labels, strict=True)):
        r, c = divmod(n, columns)
        x = left + c * cell_w + (cell_w - w * scale) // 2
        y = 8 + r * cell_h
        rgb = np.repeat(picture[..., None], 3, axis=2) if picture.ndim == 2 else picture
        image.paste(Image.fromarray(rgb.repeat(scale, 0).repeat(scale, 1)), (x, y))
        if border:
            draw.rectangle([x - 1, y - 1, x + w * scale, y + h * scale], outline=AXIS)
        write(draw, x + w * scale / 2, y + h * scale + 12, label, size=12, align="centre")
    for r, row_title in enumerate(row_titles):
        write(draw, 8, 8 + r * cell_h + h * scale / 2, row_title, size=13, fill=MUTED)
    return np.array(image)


def titled(picture: RGB, title: str, *, note: str = "", margin: int = 12) -> RGB:
    """``picture`` under a title line (and a smaller note line), with a white ``margin``
    left, right and below it. Returns (H, W, 3) uint8."""
    height = 34 + (20 if note else 0)
    width = max(
        picture.shape[1] + 2 * margin,
        2 * margin + text_width(title, 15),
        2 * margin + text_width(note, 12),
    )
    image, draw = canvas(width, height + picture.shape[0] + margin)
    write(draw, margin, 18, title, size=15)
    if note:
        write(draw, margin, 38, note, size=12, fill=MUTED)
    image.paste(Image.fromarray(picture), (margin, height))
    return np.array(image)


def side_by_side(pictures: Sequence[RGB], *, gap: int = 16) -> RGB:
    """Pictures in a row, top-aligned, ``gap`` white pixels apart. Returns (H, W, 3) uint8."""
    height = max(p.shape[0] for p in pictures)
    width = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1)
    image, _ = canvas(width, height)
    x = 0
    for p in pictures:
        image.paste(Image.fromarray(p), (x, 0))
        x += p.shape[1] + gap
    return np.array(image)
