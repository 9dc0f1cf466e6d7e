"""What the reader takes and gives: an input (`Ink`), an answer (`Reading`), a number's
answer (`NumberReading`), and the limits a drawing or an image must keep (`Limits`).

They live apart from `reader` so that the modules the reader calls (`numbers`) can name
them too; `reader` re-exports them.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput
from app.engine.numbers import Part
from app.engine.personal import PersonalWeight
from app.engine.preprocess.checks import ListLike
from app.engine.trajectory import Features

Image28 = npt.NDArray[np.float32]  # (28, 28) float32 in [0, 1], 1 = ink


@dataclass(frozen=True)
class Limits:
    """The most a drawing or an image may hold (the server's settings)."""

    max_strokes: int = 100
    max_points_per_stroke: int = 2000
    max_points: int = 10_000
    max_image_bytes: int = 5_000_000
    max_image_pixels: int = 4096 * 4096


@dataclass(eq=False, slots=True)
class Ink:
    """One input as the reader takes it: the image and, for a drawing, the pen's path."""

    pixels: Image28
    path: Features | None = None  # `trajectory.trajectory_features`, for strokes only


@dataclass(eq=False, slots=True)  # not frozen: made once per answer, and frozen costs µs
class Reading:
    """What the reader saw and answered for one input."""

    digit: int  # the likeliest digit, 0..9
    probabilities: npt.NDArray[np.float32]  # (10,) summing to 1
    pixels: Image28  # the network's input
    personal: PersonalWeight | None = None  # how much a contributor's drawings counted


@dataclass(eq=False, slots=True)
class NumberReading:
    """What the reader saw and answered for a number: its digits left to right."""

    parts: list[Part]  # each digit's strokes and box
    readings: list[Reading]  # each digit read alone

    @property
    def number(self) -> str:
        return "".join(str(r.digit) for r in self.readings)

    @property
    def confidence(self) -> float:
        """The probability that every digit is read right: the product of each digit's."""
        return float(np.prod([r.probabilities[r.digit] for r in self.readings]))


def check_stroke_limits(strokes: ListLike, limits: Limits) -> None:
    """InvalidInput when a drawing has more strokes or points than ``limits`` allow."""
    if len(strokes) > limits.max_strokes:
        raise InvalidInput(f"expected at most {limits.max_strokes} strokes, got {len(strokes)}")
    # Anything without a length is left to the preprocessing, which names what is wrong.
    counts = [len(s) if isinstance(s, list | tuple) else 0 for s in strokes]
    if counts and max(counts) > limits.max_points_per_stroke:
        i = next(i for i, n in enumerate(counts) if n > limits.max_points_per_stroke)
        raise InvalidInput(
            f"stroke {i}: expected at most {limits.max_points_per_stroke} points, got {counts[i]}"
        )
    total = sum(counts)
    if total > limits.max_points:
        raise InvalidInput(f"expected at most {limits.max_points} points in all, got {total}")
