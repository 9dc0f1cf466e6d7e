"""An uploaded image -> the 28x28 image the network reads.

After `decode_image`, the image becomes an ink map (1 = ink) in three steps:

1. grey levels: luminance in [0, 1]; transparent pixels are background. When the visible
   (mostly opaque) pixels are a minority of the image, they are the drawing, as a browser
   canvas exports it (strokes on fully transparent pixels, whatever their colour), and the
   transparent pixels get the opposite grey; otherwise the visible part carries its own
   background (a picture with a transparent margin) and the transparent pixels get its
   median grey.
2. polarity: the background is the median grey, since ink covers a minority of the
   pixels. On a light background (median >= 0.5) the ink is what is darker than it,
   otherwise what is lighter; the ink map is the difference, scaled so the strongest ink
   is 1.
3. noise: ink fainter than NOISE_FLOOR of the strongest, or within NOISE_SIGMAS standard
   deviations of the pixel noise (JPEG artefacts, grainy paper), is set to 0 so that it
   does not widen the bounding box; the rest is stretched back to [0, 1]. Uneven lighting
   is not corrected: a shadow darker than NOISE_FLOOR of the ink counts as ink.

Then `frame_digit` crops, scales and centres it like MNIST.
"""

import math

import numpy as np
from PIL import Image

from app.engine.errors import EmptyDrawing
from app.engine.preprocess.decode import MAX_BYTES, MAX_PIXELS, decode_image
from app.engine.preprocess.frame import Ink, frame_digit

MIN_CONTRAST = 0.1  # the strongest ink must differ from the background by this much
NOISE_FLOOR = 0.2  # ink below this fraction of the strongest ink is noise
NOISE_SIGMAS = 6.0  # ink within this many noise standard deviations of the background is noise
_MAD_TO_SIGMA = 1.4826  # median absolute deviation -> standard deviation (Gaussian noise)
_SAMPLE_SIZE = 250_000  # background statistics use at least this many pixels, evenly spread


def image_to_pixels(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> Ink:
    """The (28, 28) float32 image in [0, 1] of the digit in the image file ``data``.

    ``data``: PNG, JPEG, GIF, BMP or WEBP bytes of any size within ``max_bytes`` and
    ``max_pixels``; dark ink on a light background or light on dark, grey or colour, with
    or without transparency.

    Raises InvalidInput if the data is refused by `decode_image`, EmptyDrawing if the
    image holds no visible ink.
    """
    return frame_digit(ink_map(decode_image(data, max_bytes=max_bytes, max_pixels=max_pixels)))


def ink_map(image: Image.Image) -> Ink:
    """The ink of ``image`` as float32 (height, width) in [0, 1], 1 = strongest ink.

    Raises EmptyDrawing if nothing stands out from the background.
    """
    grey = _grey(image)
    sample = _sample(grey)
    background = float(np.median(sample))
    contrast = background - grey if background >= 0.5 else grey - background
    strongest = float(contrast.max())
    if strongest < MIN_CONTRAST:
        raise EmptyDrawing(
            f"expected some ink, got a blank image (the strongest ink differs from the "
            f"background by {strongest:.3f}, below {MIN_CONTRAST})"
        )
    # The noise's standard deviation, from differences between neighbouring pixels: they
    # hold twice its variance, and no smooth shading of the paper.
    noise = _MAD_TO_SIGMA / math.sqrt(2) * float(np.median(np.abs(np.diff(sample, axis=1))))
    floor = max(NOISE_FLOOR * strongest, NOISE_SIGMAS * noise)
    if strongest <= floor:
        raise EmptyDrawing("expected some ink, got only noise")
    ink: Ink = np.clip((contrast - floor) / (strongest - floor), 0.0, 1.0)
    return ink


def _grey(image: Image.Image) -> Ink:
    """The grey level of each pixel, float32 (height, width) in [0, 1], transparency resolved.

    Follows step 1 of the module's docstring.
    """
    if image.mode.startswith("I;16"):
        # 16-bit greyscale PNG; converting it to "L" would clip instead of scaling.
        return np.asarray(image, dtype=np.float32) / np.float32(65535)
    if not image.has_transparency_data:
        return np.asarray(image.convert("L"), dtype=np.float32) / np.float32(255)
    grey_alpha = np.asarray(image.convert("LA"), dtype=np.float32) / np.float32(255)
    grey, alpha = grey_alpha[..., 0], grey_alpha[..., 1]
    if alpha.max() == 0:
        raise EmptyDrawing("expected some ink, got a fully transparent image")
    visible = alpha >= alpha.max() / 2
    visible_grey = float(np.median(grey[visible]))
    # Mostly visible: a picture with a transparent margin, which takes its grey. Otherwise
    # the visible pixels are the drawing, shown against the opposite grey.
    opposite = 0.0 if visible_grey >= 0.5 else 1.0
    behind = visible_grey if visible.mean() > 0.5 else opposite
    composited: Ink = alpha * grey + (1 - alpha) * np.float32(behind)
    return composited


def _sample(values: Ink) -> Ink:
    """An even subsample of ``values`` (h, w), at least _SAMPLE_SIZE pixels: for medians of
    the background, which is the majority of the pixels."""
    step = max(1, math.isqrt(values.size // _SAMPLE_SIZE))
    return values[::step, ::step]
