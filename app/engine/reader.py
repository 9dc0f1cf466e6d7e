"""The reader: the one path from a drawing, an image or pixels to an answer.

A `Reader` holds one model version (its networks and card) and answers with `read`:

    input (strokes on a canvas | image bytes | 28x28 pixels)
      -> an `Ink`: the image, (28, 28) float32 in [0, 1], and for strokes the pen's
         trajectory (`from_strokes`, `from_image`, `from_pixels`: the preprocessing of
         `app.engine.preprocess` and `app.engine.trajectory`, with `Limits`; strokes drawn
         with the version's pen)
      -> the image as the networks see it (`seen`: its slant taken out, for a version
         trained so)
      -> probabilities (10,): the mean of the version's networks' softmax outputs
         (`probabilities`; one network, or several read together as an ensemble), and
         where the version has trajectory networks and the input came as strokes, their
         vote joined with the image's (`combine`)
      -> blended with a contributor's own labelled drawings when given
         (`app.engine.personal`), so the pad reads that person's handwriting better
      -> a `Reading`: the digit, the ten probabilities, the pixels, what the person's own
         drawings counted.

A number (`read_number`) is split into digits (`app.engine.numbers`: every run of
strokes that could be one digit is read as one, and the split whose digits read best is
kept), each read as above.

The server, the fine-tuning service, the insights and the benches all read through it,
so a new way of reading lands here and everywhere at once.
"""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from PIL import Image

from app.engine.card import ModelCard
from app.engine.checkpoint import Checkpoint, PathNetworks
from app.engine.ensemble import Ensemble
from app.engine.inks import Ink, Limits, NumberReading, Reading, check_stroke_limits
from app.engine.network import MLP
from app.engine.numbers import Layout, Part, best_split, piece_plan, plan, stroke_points
from app.engine.personal import Personal, PersonalWeight, blend
from app.engine.preprocess import frame_digit, image_to_pixels, pixels_to_array
from app.engine.preprocess.checks import ListLike
from app.engine.preprocess.components import components
from app.engine.preprocess.decode import decode_image
from app.engine.preprocess.image import ink_map
from app.engine.preprocess.slant import deskew
from app.engine.preprocess.strokes import Drawn, Points, points_to_pixels, read_strokes
from app.engine.trajectory import points_trajectory

__all__ = ["Ink", "Limits", "NumberReading", "Reader", "Reading", "combine"]

WORKING_HEIGHT = 256  # an image of a number is split at most this many pixels high
Batch = npt.NDArray[np.floating]  # (n, 784) in [0, 1]
Probabilities = npt.NDArray[np.float32]  # (n, 10), rows summing to 1


class Reader:
    """One model version, read: its networks (averaged) and its card."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        self.networks: tuple[MLP, ...] = checkpoint.networks
        self.paths: PathNetworks | None = checkpoint.paths
        self._images = Ensemble(self.networks)  # read together, in one pass
        self._drawn = None if self.paths is None else Ensemble(self.paths.networks)
        self._deskew = checkpoint.card.preprocessing.deskew
        self._pen_width = checkpoint.card.preprocessing.pen_width

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

    def from_strokes(self, strokes: ListLike, width: float, height: float, limits: Limits) -> Ink:
        """The inputs for strokes drawn on a ``width`` x ``height`` canvas: the image
        (drawn with the version's pen) and the pen's trajectory.

        Raises InvalidInput beyond ``limits`` or for malformed points, EmptyDrawing for
        no points (see `preprocess.strokes_to_pixels`)."""
        check_stroke_limits(strokes, limits)
        drawn, points = read_strokes(strokes, width, height)  # checks every point
        return self._ink(drawn, points)

    def _ink(self, drawn: Drawn, points: Points) -> Ink:
        return Ink(
            points_to_pixels(drawn, points, pen_width=self._pen_width),
            points_trajectory(points, drawn.lengths),
        )

    @staticmethod
    def from_image(data: bytes, limits: Limits) -> Ink:
        """The input for image bytes (PNG, JPEG, GIF, BMP, WEBP)."""
        return Ink(
            image_to_pixels(
                data, max_bytes=limits.max_image_bytes, max_pixels=limits.max_image_pixels
            )
        )

    @staticmethod
    def from_pixels(grid: npt.ArrayLike) -> Ink:
        """A 28x28 grid already in the MNIST convention, checked."""
        return Ink(pixels_to_array(grid))

    def seen(self, X: Batch) -> Batch:
        """Images (n, 784) in [0, 1] as the image networks see them: their slant taken
        out for a version trained so (`preprocess.slant`), else ``X`` itself."""
        return deskew(X) if self._deskew else X

    # Answers ------------------------------------------------------------------------

    def probabilities(
        self, X: Batch, paths: npt.NDArray[np.float32] | None = None
    ) -> Probabilities:
        """(n, 10) float32 for images ``X`` (n, 784): the image networks' softmax outputs
        averaged, joined with the trajectory networks' for ``paths`` (n, FEATURES) when
        given and the version has them."""
        p = self._images.predict_proba(self.seen(X))
        return p if paths is None else self._vote(p, paths)

    def predict_proba(self, X: Batch) -> Probabilities:
        """The images' probabilities (what `metrics.evaluate` and friends call)."""
        return self.probabilities(X)

    @property
    def image_features(self) -> int:
        """How many of `features`' columns describe the image; the path's follow."""
        return self.network.sizes[-2]

    def features(
        self, X: Batch, paths: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float32]:
        """(n, d) float32: where drawings that look alike to the model lie close together.
        The last hidden layer of the first network for images ``X`` (n, 784), of unit
        length; where the version has trajectory networks, then the last hidden layer of
        the first of them for ``paths`` (n, FEATURES), of unit length (zeros without
        ``paths``)."""
        image = _unit(self._images.read(self.seen(X))[1])
        if self._drawn is None:
            return image
        path_part = np.zeros((len(X), self._drawn.sizes[-2]), np.float32)
        if paths is not None:
            path_part = _unit(self._drawn.read(paths)[1])
        return np.hstack([image, path_part])

    def read(self, inks: Sequence[Ink], *, personal: Personal | None = None) -> list[Reading]:
        """Each input read in one batch; with ``personal``, blended with that contributor's
        own labelled drawings (`personal.blend`)."""
        X = self.seen(_pixels(inks))
        weights: list[PersonalWeight | None] = [None] * len(inks)
        if personal is not None and len(personal):
            p, counted = blend(*self._answers(inks, X), personal)
            weights = list(counted)
        else:
            p = self._joined(self._images.predict_proba(X), inks)
        seen = X.reshape(len(inks), 28, 28).astype(np.float32, copy=False)
        return [
            Reading(int(row.argmax()), row, image, weight)
            for row, image, weight in zip(p, seen, weights, strict=True)
        ]

    def read_number(
        self,
        strokes: ListLike,
        width: float,
        height: float,
        limits: Limits,
        *,
        personal: Personal | None = None,
    ) -> NumberReading:
        """A drawing of a number split into digits and each read as one, with
        ``personal`` if given (checked as `from_strokes` checks a drawing)."""
        check_stroke_limits(strokes, limits)
        drawn, points = read_strokes(strokes, width, height)
        by_stroke = stroke_points(points, drawn.lengths)
        grid, candidates, parts = plan(by_stroke)
        inks = []
        for part in parts:
            lengths = tuple(drawn.lengths[i] for i in part.strokes)
            mine = np.concatenate([by_stroke[i] for i in part.strokes])
            inks.append(self._ink(Drawn(drawn.width, drawn.height, lengths), mine))
        return _best(self.read(inks, personal=personal), grid, candidates, parts)

    def read_number_image(
        self, data: bytes, limits: Limits, *, personal: Personal | None = None
    ) -> NumberReading:
        """An image of a number (bytes as for `from_image`) split into digits by its
        pieces of ink, each group framed and read as one digit; boxes in its pixels."""
        ink = ink_map(
            decode_image(data, max_bytes=limits.max_image_bytes, max_pixels=limits.max_image_pixels)
        )
        scale = max(1.0, ink.shape[0] / WORKING_HEIGHT)
        if scale > 1:  # pieces are found, and digits framed, at a height that keeps them sharp
            size = (max(1, round(ink.shape[1] / scale)), WORKING_HEIGHT)
            ink = np.asarray(Image.fromarray(ink).resize(size, Image.Resampling.BOX))
        labels, count = components(ink)
        grid, candidates, parts = piece_plan(labels, count, scale)
        inks = [
            Ink(frame_digit(np.where(np.isin(labels, np.add(part.strokes, 1)), ink, 0)))
            for part in parts
        ]
        return _best(self.read(inks, personal=personal), grid, candidates, parts)

    def probabilities_of(self, inks: Sequence[Ink]) -> Probabilities:
        """(n, 10) float32: what `read` answers for ``inks``, without a contributor."""
        return self._joined(self.probabilities(_pixels(inks)), inks)

    def features_of(self, inks: Sequence[Ink]) -> npt.NDArray[np.float32]:
        """`features` of the inputs, the path part for those that came with a path."""
        return self._answers(inks, self.seen(_pixels(inks)))[1]

    def image_features_of(self, X: Batch) -> npt.NDArray[np.float32]:
        """The image part of `features` for images ``X`` (n, 784) in [0, 1], from the
        first image network alone: (n, image_features) float32, rows of unit length."""
        hidden = self.network.hidden_activations(self.seen(X))
        return _unit(hidden[-1] if hidden else X)

    def assess(self, inks: Sequence[Ink]) -> tuple[Probabilities, npt.NDArray[np.float32]]:
        """`probabilities_of` the inputs (n, 10) and the image part of their `features_of`
        (n, image_features), each row of unit length, from one pass: what moderation
        weighs a label by, alike for drawings with a path and without."""
        p, F = self._answers(inks, self.seen(_pixels(inks)))
        return p, np.ascontiguousarray(F[:, : self.image_features])

    def _answers(
        self, inks: Sequence[Ink], X: Batch
    ) -> tuple[Probabilities, npt.NDArray[np.float32]]:
        """`probabilities_of` and `features_of` the inputs (whose images as the networks
        see them are ``X``) from one pass of each group of networks."""
        p, hidden = self._images.read(X)
        F = _unit(hidden)
        drawn, paths = _paths(inks)
        if self.paths is None or self._drawn is None:
            return p, F
        F = np.hstack([F, np.zeros((len(inks), self._drawn.sizes[-2]), np.float32)])
        if paths is not None:
            q, path_hidden = self._drawn.read(paths)
            p[drawn] = combine(p[drawn], q, self.paths.weight)
            F[drawn, self.image_features :] = _unit(path_hidden)
        return p, F

    def _joined(self, p: Probabilities, inks: Sequence[Ink]) -> Probabilities:
        """The image networks' ``p`` joined, in place, with the trajectory networks' vote
        for the inputs that came with a path."""
        drawn, paths = _paths(inks)
        if paths is not None:
            p[drawn] = self._vote(p[drawn], paths)
        return p

    def _vote(self, p: Probabilities, paths: npt.NDArray[np.float32]) -> Probabilities:
        """The image networks' ``p`` joined with the trajectory networks' reading of
        ``paths`` (the same rows); ``p`` itself for a version without them."""
        if self.paths is None or self._drawn is None:
            return p
        return combine(p, self._drawn.predict_proba(paths), self.paths.weight)


def _best(
    readings: list[Reading], grid: Layout, candidates: list[tuple[int, int]], parts: list[Part]
) -> NumberReading:
    """The number read from every candidate digit's reading: the best split's digits."""
    confidence = [float(r.probabilities.max()) for r in readings]
    chosen = [candidates.index(run) for run in best_split(grid, candidates, confidence)]
    return NumberReading([parts[k] for k in chosen], [readings[k] for k in chosen])


def _unit(H: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """Rows of H (n, d) scaled to unit length (a row of zeros stays zeros), float32."""
    H = H.astype(np.float32, copy=False)
    out: npt.NDArray[np.float32] = H / (np.linalg.norm(H, axis=1, keepdims=True) + 1e-6)
    return out


def _paths(inks: Sequence[Ink]) -> tuple[list[int], npt.NDArray[np.float32] | None]:
    """Which inputs came with a path, and those paths stacked (None if none did)."""
    drawn = [i for i, ink in enumerate(inks) if ink.path is not None]
    if not drawn:
        return drawn, None
    return drawn, np.stack([inks[i].path for i in drawn])  # type: ignore[misc]


def _pixels(inks: Sequence[Ink]) -> Batch:
    """The inputs' images as one batch (n, 784)."""
    if len(inks) == 1:
        return inks[0].pixels.reshape(1, -1)
    return np.stack([ink.pixels for ink in inks]).reshape(len(inks), -1)


def combine(images: Probabilities, paths: Probabilities, weight: float) -> Probabilities:
    """The image's and the trajectory's probabilities joined: a weighted geometric mean,
    p ∝ images^(1 - weight) * paths^weight, rows renormalised. (n, 10) float32 each.

    A geometric mean lets either side veto a digit it finds unlikely, which suits two
    readers that err on different digits."""
    floor = np.float32(1e-7)
    log = (1 - weight) * np.log(images + floor) + weight * np.log(paths + floor)
    log -= log.max(axis=1, keepdims=True)
    joined = np.exp(log, dtype=np.float32)
    out: Probabilities = joined / joined.sum(axis=1, keepdims=True)
    return out
