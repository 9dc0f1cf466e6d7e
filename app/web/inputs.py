"""Request bodies -> the engine's 28x28 arrays, and the network's output -> responses."""

import numpy as np
from numpy.typing import NDArray

from app.config import Settings
from app.engine.checkpoint import Checkpoint
from app.engine.errors import InvalidInput
from app.engine.preprocess import image_to_pixels, pixels_to_array, strokes_to_pixels
from app.web.schemas import Drawing, Prediction

Image28 = NDArray[np.float32]  # (28, 28) float32 in [0, 1], 1 = ink


def drawing_to_pixels(drawing: Drawing, settings: Settings) -> Image28:
    """The network's input for a drawing: strokes rendered and framed, or pixels checked."""
    if drawing.pixels is not None:
        return pixels_to_array(drawing.pixels)
    if drawing.strokes is None or drawing.canvas is None:  # the schema already refuses this
        raise InvalidInput("expected strokes with a canvas, or pixels")
    check_stroke_limits(drawing.strokes, settings)
    return strokes_to_pixels(drawing.strokes, drawing.canvas.width, drawing.canvas.height)


def check_stroke_limits(strokes: list[list[list[float]]], settings: Settings) -> None:
    """InvalidInput when a drawing has more strokes or points than the settings allow."""
    if len(strokes) > settings.max_strokes:
        raise InvalidInput(f"expected at most {settings.max_strokes} strokes, got {len(strokes)}")
    for i, stroke in enumerate(strokes):
        if len(stroke) > settings.max_points_per_stroke:
            raise InvalidInput(
                f"stroke {i}: expected at most {settings.max_points_per_stroke} points, "
                f"got {len(stroke)}"
            )
    total = sum(len(stroke) for stroke in strokes)
    if total > settings.max_points:
        raise InvalidInput(f"expected at most {settings.max_points} points in all, got {total}")


def upload_to_pixels(data: bytes, settings: Settings) -> Image28:
    """The network's input for an uploaded image (PNG, JPEG, ...)."""
    return image_to_pixels(
        data, max_bytes=settings.max_image_bytes, max_pixels=settings.max_image_pixels
    )


def predict(model: Checkpoint, images: list[Image28]) -> list[Prediction]:
    """Run the images through the network in one batch and describe each answer."""
    batch = np.stack(images).reshape(len(images), -1)
    probabilities = model.network.predict_proba(batch)
    return [
        Prediction(
            digit=int(p.argmax()),
            probabilities=[round(float(x), 6) for x in p],
            model=model.version,
            pixels=np.round(image, 3).tolist(),
        )
        for p, image in zip(probabilities, images, strict=True)
    ]
