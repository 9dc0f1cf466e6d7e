"""The reader's limits from the settings, and stored drawings as the reader's inputs."""

import numpy as np

from app.config import Settings
from app.engine.reader import Ink, Limits, Reader
from app.store import NewSample


def limits(settings: Settings) -> Limits:
    """The sizes a drawing or an image may have, from the settings."""
    return Limits(
        max_strokes=settings.max_strokes,
        max_points_per_stroke=settings.max_points_per_stroke,
        max_points=settings.max_points,
        max_image_bytes=settings.max_image_bytes,
        max_image_pixels=settings.max_image_pixels,
    )


def stored_ink(sample: NewSample, reader: Reader, limits: Limits) -> Ink:
    """``reader``'s input for a sample (stored or not): its strokes drawn again with today's
    preprocessing (and their trajectory), or its stored pixels when it came without."""
    if sample.strokes and sample.canvas_width and sample.canvas_height:
        return reader.from_strokes(
            sample.strokes, sample.canvas_width, sample.canvas_height, limits
        )
    return Ink(np.divide(sample.pixels, 255, dtype=np.float32))
