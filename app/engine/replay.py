"""Pen strokes replayed onto the drawing page's canvas, as a person would draw them there.

UNIPEN's points are in each tablet's units. `place_on_canvas` scales a drawing to a
random size (people draw small and large) at a random place on a square canvas, rounds
the points to 0.1 px and keeps them inside it, as the page does; `replay` then reads
them through the page's own preprocessing (`strokes_to_pixels`), so training and
evaluation see exactly what ``POST /predict`` would, with the pen's trajectory
(`trajectory.trajectory_features`) of the same placed points. With ``distort``, each drawing is
also slanted, rotated and stretched a little before it is placed: new handwriting from
the same strokes, for training.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.preprocess import strokes_to_pixels
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.trajectory import FEATURES, trajectory_features
from app.engine.unipen import PenDigits, Stroke

CANVAS = 280  # the page's canvas side, in canvas pixels


@dataclass(frozen=True)
class Distortion:
    """How far `place_on_canvas` may bend a drawing when ``distort`` is on."""

    rotation_deg: float = 8.0  # uniform in +-this
    shear: float = 0.25  # x += shear * y, uniform in +-this (a change of slant)
    stretch: float = 0.15  # width scaled by exp(uniform(+-this))
    size: tuple[float, float] = (0.25, 0.85)  # the drawing's longer side, share of the canvas


def place_on_canvas(
    strokes: Sequence[Stroke],
    rng: np.random.Generator,
    *,
    canvas: int = CANVAS,
    distort: Distortion | None = None,
) -> list[npt.NDArray[np.float64]]:
    """The drawing's strokes placed on a ``canvas`` x ``canvas`` canvas.

    ``strokes``: (k, 2) float64 points in any units, y down. Returns (k, 2) float64
    points in [0, canvas], rounded to 0.1: the drawing's longer side a random share of
    the canvas (``Distortion.size``), at a random place where it fits. With ``distort``,
    the points are first rotated, sheared and stretched by random amounts within it.
    """
    spec = distort or Distortion()
    points = np.concatenate(strokes)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    if distort is not None:
        angle = np.deg2rad(rng.uniform(-spec.rotation_deg, spec.rotation_deg))
        shear = rng.uniform(-spec.shear, spec.shear)
        stretch = np.exp(rng.uniform(-spec.stretch, spec.stretch))
        c, s = np.cos(angle), np.sin(angle)
        # Applied to row vectors: rotate, then shear x by y, then stretch x.
        A = np.array([[c, s], [-s, c]]) @ np.array([[1.0, 0.0], [shear, 1.0]])
        A = A @ np.diag([stretch, 1.0])
    else:
        A = np.eye(2)
    moved = [(stroke - centre) @ A for stroke in strokes]
    allpts = np.concatenate(moved)
    low, high = allpts.min(axis=0), allpts.max(axis=0)
    span = float((high - low).max()) or 1.0
    scale = rng.uniform(*spec.size) * canvas / span
    size = (high - low) * scale
    offset = rng.uniform(0, 1, 2) * (canvas - size) - low * scale
    return [np.clip(np.round(m * scale + offset, 1), 0, canvas) for m in moved]


@dataclass(frozen=True, eq=False)
class Replayed:
    """Digits replayed on the canvas: all digits once, then all again, and so on."""

    images: npt.NDArray[np.float32]  # (m, 784) in [0, 1], as `strokes_to_pixels` frames them
    labels: npt.NDArray[np.int64]  # (m,) in 0..9
    paths: npt.NDArray[np.float32]  # (m, trajectory.FEATURES): the same points' trajectory


def bent_paths(
    drawings: Sequence[Sequence[Stroke]], rng: np.random.Generator, *, copies: int
) -> npt.NDArray[np.float32]:
    """The trajectories of ``drawings`` (strokes (k, 2) float64, any units), each placed
    ``copies`` times with a `Distortion`: (copies * n, FEATURES) float32, all drawings
    once, then all again. New handwriting from a few contributed drawings."""
    paths = np.empty((copies * len(drawings), FEATURES), dtype=np.float32)
    for c in range(copies):
        for i, strokes in enumerate(drawings):
            placed = place_on_canvas(strokes, rng, distort=Distortion())
            paths[c * len(drawings) + i] = trajectory_features(placed)
    return paths


def replay(
    digits: PenDigits,
    rng: np.random.Generator,
    *,
    copies: int = 1,
    distort: Distortion | None = None,
    canvas: int = CANVAS,
    pen_width: float = PEN_WIDTH,
) -> Replayed:
    """Every digit placed on the canvas ``copies`` times and read as the page reads it
    (drawn with a pen ``pen_width`` wide: a model's ``card.preprocessing.pen_width``):
    m = n * copies images, trajectories and labels."""
    n = len(digits)
    images = np.empty((copies * n, 784), dtype=np.float32)
    paths = np.empty((copies * n, FEATURES), dtype=np.float32)
    for c in range(copies):
        for i, strokes in enumerate(digits.strokes):
            placed = place_on_canvas(strokes, rng, canvas=canvas, distort=distort)
            images[c * n + i] = strokes_to_pixels(
                placed, canvas, canvas, pen_width=pen_width
            ).ravel()
            paths[c * n + i] = trajectory_features(placed)
    return Replayed(images, np.tile(digits.labels, copies), paths)
