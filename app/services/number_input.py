"""A contributed number as sent (`NumberIn`), checked, and turned into what the store
keeps: the number (`NewNumber`: its label and split) and one sample per digit, each
drawn from its own strokes, so that fine-tuning learns from a number's digits as from
any digit."""

from typing import Self

import numpy as np
from pydantic import Field, model_validator

from app.config import Settings
from app.engine.errors import InvalidInput
from app.engine.reader import Reader
from app.services.drawing_input import Drawing, Source
from app.services.reading import limits
from app.store import NewNumber, NewSample

NUMBER_PATTERN = r"^[0-9]+$"


class NumberIn(Drawing):
    """A number contributed by a person or a program: its strokes and canvas, its digits,
    and which strokes make which digit."""

    label: str = Field(
        min_length=1, max_length=100, pattern=NUMBER_PATTERN, description='e.g. "4072".'
    )
    split: list[list[int]] = Field(
        description="For each digit, left to right, the indices of its strokes (as "
        "/predict/number answers them); every stroke in exactly one digit."
    )
    predicted: str | None = Field(
        default=None, max_length=100, pattern=NUMBER_PATTERN, description="The number read live."
    )
    model: str | None = Field(default=None, max_length=64, description="Its model version.")
    source: Source | None = Field(default=None, description='e.g. "draw".')

    @model_validator(mode="after")
    def _digits_and_strokes_agree(self) -> Self:
        if self.strokes is None:
            raise ValueError("expected strokes with a canvas for a number")
        if len(self.split) != len(self.label):
            raise ValueError(
                f"expected one group of strokes per digit ({len(self.label)}), "
                f"got {len(self.split)}"
            )
        used = sorted(i for group in self.split for i in group)
        if any(not group for group in self.split) or used != list(range(len(self.strokes))):
            raise ValueError(
                f"expected every stroke (0 to {len(self.strokes) - 1}) in exactly one "
                f"non-empty digit, got {self.split}"
            )
        return self


def new_number(
    body: NumberIn, model: Reader, settings: Settings
) -> tuple[NewNumber, list[NewSample]]:
    """The number and its digits' samples for a checked body: each digit's strokes drawn
    and framed as ``model`` draws a digit. InvalidInput beyond DIGITPAD_MAX_DIGITS digits
    or for a digit the reader refuses (naming it)."""
    if len(body.label) > settings.max_digits:
        found = len(body.label)
        raise InvalidInput(f"expected at most {settings.max_digits} digits, got {found}")
    if body.canvas is None:  # the schema refuses strokes without a canvas already
        raise InvalidInput("expected strokes with a canvas")
    strokes = body.model_dump()["strokes"]
    width, height = body.canvas.width, body.canvas.height
    same_length = body.predicted is not None and len(body.predicted) == len(body.label)
    predicted = body.predicted if same_length else None
    digits = []
    for position, group in enumerate(body.split):
        mine = [strokes[i] for i in sorted(group)]
        try:
            ink = model.from_strokes(mine, width, height, limits(settings))
        except InvalidInput as error:
            raise InvalidInput(f"digit {position}: {error}") from error
        digits.append(
            NewSample(
                label=int(body.label[position]),
                pixels=np.rint(ink.pixels * 255).astype(np.uint8),
                strokes=mine,
                canvas_width=width,
                canvas_height=height,
                predicted=None if predicted is None else int(predicted[position]),
                model_version=body.model,
                source=body.source,
                contributor=body.contributor,
            )
        )
    number = NewNumber(
        label=body.label,
        split=[sorted(group) for group in body.split],
        predicted=body.predicted,
        model_version=body.model,
        source=body.source,
        contributor=body.contributor,
    )
    return number, digits
