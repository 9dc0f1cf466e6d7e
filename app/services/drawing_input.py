"""Drawings and labelled samples as people and programs send them: the checks they pass
(pydantic models, which are also the API's request bodies), the reader's input made from
them, and the sample to store.

``POST /api/samples`` and ``digitpad import-samples`` take samples through these same
checks, so that a drawing refused by one is refused by the other, for the same reason.
"""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from app.config import Settings
from app.engine.errors import InvalidInput
from app.engine.reader import Ink, Reader
from app.services.reading import limits
from app.store import NewSample

CONTRIBUTOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # the page's ids are random UUIDs
Digit = Annotated[int, Field(ge=0, le=9, strict=True, description="A digit, 0 to 9.")]
Probabilities = Annotated[
    list[Annotated[float, Field(ge=0, le=1)]],
    Field(min_length=10, max_length=10, description="P(digit) for 0..9, summing to 1."),
]
Point = Annotated[
    list[float],
    Field(min_length=2, max_length=3, description="[x, y] or [x, y, t]: canvas pixels, t in ms"),
]
Source = Annotated[str, StringConstraints(max_length=32, pattern=r"^[a-z0-9_-]+$")]


class Strict(BaseModel):
    """Refuses unknown fields and non-finite numbers."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Canvas(Strict):
    width: float = Field(gt=0, le=10_000, description="Canvas width in CSS pixels.")
    height: float = Field(gt=0, le=10_000, description="Canvas height in CSS pixels.")


class Drawing(Strict):
    """A digit as strokes on a canvas, or as a 28x28 array already in the MNIST convention."""

    strokes: list[list[Point]] | None = Field(
        default=None,
        description="Strokes in drawing order, each a list of points; origin top-left, y down.",
    )
    canvas: Canvas | None = Field(default=None, description="The canvas the strokes were on.")
    pixels: list[list[float]] | None = Field(
        default=None, description="28 rows of 28 values in [0, 1], 1 = ink, centred like MNIST."
    )
    contributor: str | None = Field(
        default=None,
        max_length=64,
        pattern=CONTRIBUTOR_PATTERN,
        description="An anonymous random id of the drawing browser; never shown back. With "
        "a prediction, that contributor's own labelled drawings are read beside the network.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if (self.strokes is None) == (self.pixels is None):
            raise ValueError("expected either strokes (with canvas) or pixels, not both or neither")
        if self.strokes is not None and self.canvas is None:
            raise ValueError("expected a canvas {width, height} with the strokes")
        if self.pixels is not None and self.canvas is not None:
            raise ValueError("expected no canvas with pixels")
        return self


class SampleIn(Drawing):
    """A labelled drawing contributed by a person or a program."""

    label: Digit
    predicted: Digit | None = Field(default=None, description="The prediction shown, if any.")
    probabilities: Probabilities | None = None
    model: str | None = Field(default=None, max_length=64, description="Its model version.")
    source: Source | None = Field(default=None, description='e.g. "draw".')


def describe(errors: Sequence[Mapping[str, Any]]) -> str:
    """Pydantic's error list as one line: "body.label: Input should be ...; ..."."""
    parts = []
    for e in errors:
        loc = ".".join(str(part) for part in e.get("loc", ()))
        parts.append(f"{loc}: {e.get('msg')}" if loc else str(e.get("msg")))
    return "; ".join(parts)


def drawing_to_ink(drawing: Drawing, model: Reader, settings: Settings) -> Ink:
    """``model``'s input for a drawing: strokes rendered and framed (with the pen's
    trajectory), or pixels checked."""
    if drawing.pixels is not None:
        return Reader.from_pixels(drawing.pixels)
    if drawing.strokes is None or drawing.canvas is None:  # the schema already refuses this
        raise InvalidInput("expected strokes with a canvas, or pixels")
    return model.from_strokes(
        drawing.strokes, drawing.canvas.width, drawing.canvas.height, limits(settings)
    )


def new_sample(body: SampleIn, model: Reader, settings: Settings) -> NewSample:
    """The sample to store for a checked body: the 28x28 image ``model`` reads (its strokes
    drawn with the model's pen, or its pixels), beside the body's fields.

    Raises InvalidInput (or EmptyDrawing) for a drawing the reader refuses."""
    return sample_of(body, drawing_to_ink(body, model, settings))


def sample_of(body: SampleIn, ink: Ink) -> NewSample:
    """The sample to store for a checked body, with ``ink``'s image (`new_sample`)."""
    image = ink.pixels
    return NewSample(
        label=body.label,
        pixels=np.rint(image * 255).astype(np.uint8),
        strokes=body.model_dump()["strokes"],
        canvas_width=body.canvas.width if body.canvas else None,
        canvas_height=body.canvas.height if body.canvas else None,
        predicted=body.predicted,
        probabilities=body.probabilities,
        model_version=body.model,
        source=body.source,
        contributor=body.contributor,
    )


def checked_sample(fields: Mapping[str, Any], model: Reader, settings: Settings) -> NewSample:
    """`new_sample` of ``fields`` checked as a ``POST /api/samples`` body (the JSON
    names: label, strokes, canvas, ...); InvalidInput naming every problem on one line."""
    try:
        body = SampleIn.model_validate(fields)
    except ValidationError as error:
        raise InvalidInput(describe(error.errors())) from None
    return new_sample(body, model, settings)


def check_source(value: str) -> str:
    """``value`` if it may be a sample's source (as ``SampleIn.source``), else InvalidInput."""
    try:
        return TypeAdapter(Source).validate_python(value)
    except ValidationError as error:
        raise InvalidInput(f"source {value!r}: {describe(error.errors())}") from None
