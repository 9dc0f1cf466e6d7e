"""The reader: the one path from a drawing, an image or pixels to an answer.

A `Reader` holds one model version (its networks and card) and answers with `read`:

    input (strokes on a canvas | image bytes | 28x28 pixels)
      -> the network's input, (28, 28) float32 in [0, 1]  (`from_strokes`, `from_image`,
         `from_pixels`: the preprocessing of `app.engine.preprocess`, with `Limits`)
      -> probabilities (10,): the mean of the version's networks' softmax outputs
         (`probabilities`; one network, or several read together as an ensemble)
      -> blended with a contributor's own labelled drawings when given
         (`app.engine.personal`), so the pad reads that person's handwriting better
      -> a `Reading`: the digit, the ten probabilities, the pixels, what the person's own
         drawings counted.

The server, the fine-tuning service, the insights and the benches all read through it,
so a new way of reading lands here and everywhere at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.card import ModelCard
from app.engine.checkpoint import Checkpoint
from app.engine.errors import InvalidInput
from app.engine.network import MLP
from app.engine.personal import Personal, PersonalWeight, blend
from app.engine.preprocess import image_to_pixels, pixels_to_array, strokes_to_pixels
from app.engine.preprocess.checks import ListLike

Image28 = npt.NDArray[np.float32]  # (28, 28) float32 in [0, 1], 1 = ink
Batch = npt.NDArray[np.floating]  # (n, 784) in [0, 1]


@dataclass(frozen=True)
class Limits:
    """The most a drawing or an image may hold (the server's settings)."""

    max_strokes: int = 100
    max_points_per_stroke: int = 2000
    max_points: int = 10_000
    max_image_bytes: int = 5_000_000
    max_image_pixels: int = 4096 * 4096


@dataclass(eq=False, slots=True)  # not frozen: made once per answer, and frozen costs µs
class Reading:
    """What the reader saw and answered for one input."""

    digit: int  # the likeliest digit, 0..9
    probabilities: npt.NDArray[np.float32]  # (10,) summing to 1
    pixels: Image28  # the network's input
    personal: PersonalWeight | None = None  # how much a contributor's drawings counted


class Reader:
    """One model version, read: its networks (averaged) and its card."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        self.networks: tuple[MLP, ...] = checkpoint.networks

    @property
    def version(self) -> str:
        return self.checkpoint.version

    @property
    def card(self) -> ModelCard:
        return self.checkpoint.card

    @property
    def network(self) -> MLP:
        """The first network: the one the figures and explanations show."""
        return self.networks[0]

    def __repr__(self) -> str:
        return f"Reader({self.version}, {len(self.networks)} network(s))"

    # Inputs -------------------------------------------------------------------------

    @staticmethod
    def from_strokes(strokes: ListLike, width: float, height: float, limits: Limits) -> Image28:
        """The network's input for strokes drawn on a ``width`` x ``height`` canvas.

        Raises InvalidInput beyond ``limits`` or for malformed points, EmptyDrawing for
        no points (see `preprocess.strokes_to_pixels`)."""
        check_stroke_limits(strokes, limits)
        return strokes_to_pixels(strokes, width, height)

    @staticmethod
    def from_image(data: bytes, limits: Limits) -> Image28:
        """The network's input for image bytes (PNG, JPEG, GIF, BMP, WEBP)."""
        return image_to_pixels(
            data, max_bytes=limits.max_image_bytes, max_pixels=limits.max_image_pixels
        )

    @staticmethod
    def from_pixels(grid: npt.ArrayLike) -> Image28:
        """A 28x28 grid already in the MNIST convention, checked."""
        return pixels_to_array(grid)

    # Answers ------------------------------------------------------------------------

    def probabilities(self, X: Batch) -> npt.NDArray[np.float32]:
        """(n, 10) float32: the networks' softmax outputs averaged, for ``X`` (n, 784)."""
        if len(self.networks) == 1:
            return self.networks[0].predict_proba(X)
        total = self.networks[0].predict_proba(X)
        for network in self.networks[1:]:
            total += network.predict_proba(X)
        return total / np.float32(len(self.networks))

    predict_proba = probabilities  # what `metrics.evaluate` and friends call

    def features(self, X: Batch) -> npt.NDArray[np.float32]:
        """(n, d) float32: the last hidden layer of the first network, each row of unit
        length: where drawings that look alike to the network lie close together."""
        H = self.network.hidden_activations(X)[-1].astype(np.float32)
        unit: npt.NDArray[np.float32] = H / (np.linalg.norm(H, axis=1, keepdims=True) + 1e-6)
        return unit

    def read(self, images: Sequence[Image28], *, personal: Personal | None = None) -> list[Reading]:
        """Each image read in one batch; with ``personal``, blended with that contributor's
        own labelled drawings (`personal.blend`)."""
        X = (
            images[0].reshape(1, -1)
            if len(images) == 1
            else np.stack(images).reshape(len(images), -1)
        )
        p = self.probabilities(X)
        weights: list[PersonalWeight | None] = [None] * len(images)
        if personal is not None and len(personal):
            p, counted = blend(p, self.features(X), personal)
            weights = list(counted)
        return [
            Reading(int(row.argmax()), row, image, weight)
            for row, image, weight in zip(p, images, weights, strict=True)
        ]


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
