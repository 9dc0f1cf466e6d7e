"""The pen's trajectory: a drawing as points taken evenly along the path the pen travelled.

An image loses the order of the ink: a 9 whose tail curls up and a 3 can leave similar
pixels, but the pen moves through them differently. `trajectory_features` keeps that
motion as a fixed-length vector a network can read:

    strokes (canvas points, y down, in writing order)
      -> centred on the drawing's box and scaled by its longer side (size and place drop out)
      -> one path: each stroke, and a straight "air" segment from a stroke's end to the
         next stroke's start (where the pen moved lifted)
      -> ``POINTS`` points at equal distances along that path, each with its position
         (x, y), the unit direction the pen moved there (dx, dy) and whether the pen was
         up (1) or down (0)

The sampling is by distance, not by time, so tablets that record 100 or 200 points a
second, and a page that smooths or thins its points, give the same features.
"""

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

POINTS = 32  # points taken along the path
PER_POINT = 5  # x, y, dx, dy, pen up
FEATURES = POINTS * PER_POINT  # the trajectory network's input size

Features = npt.NDArray[np.float32]  # (FEATURES,) float32


def trajectory_features(strokes: Iterable[npt.ArrayLike]) -> Features:
    """The drawing's trajectory, (FEATURES,) float32, laid out point by point.

    ``strokes``: one or more (k, 2) arrays of points (x, y), y down, any units, in
    writing order; at least one point in all. Positions are in [-0.5, 0.5] (the box's
    longer side spans 1), directions are unit vectors or (0, 0) where the pen stood
    still, the pen-up flag is 0 or 1. A drawing of one point gives that point, still,
    ``POINTS`` times.
    """
    paths = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    return points_trajectory(np.concatenate(paths), [len(p) for p in paths])


def points_trajectory(points: npt.NDArray[np.float64], lengths: Sequence[int]) -> Features:
    """`trajectory_features` of strokes given as all their points, (n, 2) float64 one
    stroke after the other, and each stroke's number of points (empty strokes allowed)."""
    low, high = points.min(axis=0), points.max(axis=0)
    points = (points - (low + high) / 2) / (float((high - low).max()) or 1.0)
    out = np.zeros((POINTS, PER_POINT), dtype=np.float32)
    # The points in order make one path: segment j joins point j to j + 1, and where j + 1
    # starts a new stroke, it is the pen moving lifted.
    up = np.zeros(len(points), dtype=np.float32)
    up[np.cumsum(lengths)[:-1] - 1] = 1.0  # an empty stroke sets the same flag again
    step = np.diff(points, axis=0)
    lengths_ = np.hypot(step[:, 0], step[:, 1])
    reach = np.cumsum(lengths_)  # the path's length at each segment's end
    if not len(reach) or reach[-1] == 0.0:  # one point, or the pen never moved
        out[:, :2] = points[0]
        return out.ravel()
    at = (np.arange(POINTS) + 0.5) * (float(reach[-1]) / POINTS)
    seg = np.searchsorted(reach, at)  # never an empty segment: one ends where it starts
    step, length = step[seg], lengths_[seg]
    out[:, :2] = points[seg] + ((at - reach[seg] + length) / length)[:, None] * step
    out[:, 2:4] = step / length[:, None]
    out[:, 4] = up[seg]
    return out.ravel()


def trajectories(drawings: Sequence[Iterable[npt.ArrayLike]]) -> npt.NDArray[np.float32]:
    """`trajectory_features` of each drawing: (n, FEATURES) float32."""
    out = np.empty((len(drawings), FEATURES), dtype=np.float32)
    for i, strokes in enumerate(drawings):
        out[i] = trajectory_features(strokes)
    return out
