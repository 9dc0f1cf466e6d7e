"""The reader's limits from the settings: how big a drawing or an image may be."""

from app.config import Settings
from app.engine.reader import Limits


def limits(settings: Settings) -> Limits:
    """The sizes a drawing or an image may have, from the settings."""
    return Limits(
        max_strokes=settings.max_strokes,
        max_points_per_stroke=settings.max_points_per_stroke,
        max_points=settings.max_points,
        max_image_bytes=settings.max_image_bytes,
        max_image_pixels=settings.max_image_pixels,
    )
