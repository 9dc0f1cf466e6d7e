"""Digit shapes drawn by hand, shared by the tests, and strokes made from them.

A shape is a list of strokes, each a list of (x, y) points as fractions of a square
canvas's side (origin top-left, y down).
"""

import itertools
import math

import numpy as np

Shape = list[list[tuple[float, float]]]  # strokes of (x, y), fractions of the pad

ONE: Shape = [[(0.50, 0.15), (0.50, 0.85)]]
SEVEN: Shape = [[(0.26, 0.22), (0.74, 0.20), (0.44, 0.84)]]
FOUR: Shape = [[(0.40, 0.15), (0.25, 0.58), (0.75, 0.58)], [(0.60, 0.30), (0.60, 0.85)]]
# A hand-drawn-looking shape for every digit (the collect page asks for any of them).
DIGITS: list[Shape] = [
    [
        [
            (0.5 + 0.2 * math.sin(a / 8 * math.pi), 0.5 - 0.32 * math.cos(a / 8 * math.pi))
            for a in range(17)
        ]
    ],
    [[(0.42, 0.25), (0.53, 0.15), (0.53, 0.85)]],
    [
        [
            (0.3, 0.3),
            (0.4, 0.18),
            (0.55, 0.15),
            (0.68, 0.22),
            (0.7, 0.35),
            (0.6, 0.5),
            (0.3, 0.82),
            (0.72, 0.82),
        ]
    ],
    [[(0.3, 0.2), (0.6, 0.15), (0.7, 0.3), (0.5, 0.47), (0.7, 0.62), (0.65, 0.8), (0.3, 0.82)]],
    FOUR,
    [
        [
            (0.68, 0.18),
            (0.35, 0.18),
            (0.32, 0.48),
            (0.55, 0.44),
            (0.7, 0.58),
            (0.65, 0.78),
            (0.3, 0.82),
        ]
    ],
    [
        [
            (0.65, 0.15),
            (0.4, 0.4),
            (0.32, 0.65),
            (0.45, 0.83),
            (0.62, 0.78),
            (0.66, 0.6),
            (0.5, 0.5),
            (0.34, 0.6),
        ]
    ],
    SEVEN,
    [
        [
            (0.5, 0.5),
            (0.32, 0.35),
            (0.5, 0.17),
            (0.68, 0.33),
            (0.5, 0.5),
            (0.3, 0.68),
            (0.5, 0.85),
            (0.7, 0.68),
            (0.5, 0.5),
        ]
    ],
    [[(0.66, 0.35), (0.5, 0.17), (0.33, 0.3), (0.42, 0.48), (0.66, 0.38), (0.62, 0.85)]],
]


def strokes(
    shape: Shape, rng: np.random.Generator, *, size: float = 280, steps: int = 8
) -> list[list[list[float]]]:
    """The shape as canvas strokes on a ``size`` square: each segment cut into ``steps``
    points, the whole drawing moved, scaled and jittered a little, as a person would."""
    scale = size * rng.uniform(0.7, 1.0)
    offset = rng.uniform(0, size - scale, 2)
    out = []
    for stroke in shape:
        points = np.array(stroke, dtype=float)
        if len(points) > 1:
            t = np.linspace(0, 1, steps)[:-1, None]
            segments = [a + t * (b - a) for a, b in itertools.pairwise(points)]
            points = np.vstack([*segments, points[-1:]])
        points = points * scale + offset + rng.normal(0, size * 0.006, points.shape)
        out.append(np.clip(points, 0, size).round(1).tolist())
    return out
