"""Splitting a drawing of a number into digits: where one digit ends and the next begins.

People write a number left to right, each digit of one to three strokes: the bar of a 5
or a 7, the two strokes of a 4, the flag of a 1. Strokes alone do not say which go
together (a 4 can take two strokes, two digits can touch), so geometry proposes and
recognition decides, as over-segmentation recognisers do:

1. the strokes are ordered by the centre of their horizontal extent, and the writing's
   height H is the median height of the tall strokes (`layout`);
2. every run of neighbouring strokes that could be one digit is a candidate (`runs`):
   it keeps strokes that overlap by more than HARD x H together, and has at most
   MAX_STROKES strokes, no wider than MAX_WIDTH x H, with no horizontal gap inside it
   over MAX_GAP x H, so digits drawn far apart never merge;
3. each candidate is read as a single digit by the reader, and the split kept is the one
   whose digits are read with the highest confidence (`best_split`): the sum over its
   digits of log p(likeliest digit), less a price for cutting between strokes that
   overlap horizontally (`OVERLAP_COST` per H of overlap) and, for each digit, for the
   shape a digit rarely has (`shape_cost`): strokes side by side that barely overlap, a
   height well under H (a bar or a flag read alone), a width well over it (two digits
   read as one). A two-stroke 4 reads as one 4 far better than as an L and a 1; two
   touching 1s read better as 1 and 1 than as one odd digit.

The prices were chosen on numbers written from UNIPEN's validation writers' digits
(`bench/read_numbers.py --writers validation`); the test writers only report.

All functions are pure; coordinates are canvas pixels, x to the right.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

MAX_STROKES = 4  # strokes one digit may take
MAX_WIDTH = 1.6  # the widest a digit is, in writing heights
MAX_GAP = 0.3  # the widest horizontal gap inside one digit, in writing heights
HARD = 0.25  # strokes overlapping by more than this, in writing heights, are one digit
OVERLAP_COST = 1.0  # log-score price of cutting between strokes, per H of their overlap
GAP_COST = 4.0  # log-score price of strokes kept together that barely overlap ...
SLACK = 0.15  # ... or do not: per H of gap, counted from an overlap of SLACK x H
SHORT = 0.7  # a digit is at least this tall, in writing heights ...
SHORT_COST = 5.0  # ... and each H it lacks costs this much (a bar or a flag read alone)
WIDE = 0.8  # a digit is at most this wide, in writing heights ...
WIDE_COST = 2.0  # ... and each H beyond costs this much (two digits read as one)
TALL = 0.5  # strokes at least this share of the tallest one's height are the tall ones

Boxes = npt.NDArray[np.float64]  # (n, 4): x0, y0, x1, y1 of each stroke, canvas pixels


@dataclass(frozen=True)
class Layout:
    """A drawing's strokes in writing order left to right, and its writing height."""

    order: tuple[int, ...]  # stroke indices, by the centre of their horizontal extent
    boxes: Boxes  # (n, 4) in that order
    height: float  # H, in canvas pixels, > 0


def stroke_boxes(strokes: Sequence[npt.ArrayLike]) -> Boxes:
    """The bounding box (x0, y0, x1, y1) of each stroke, each an (m, >= 2) array of points
    with m >= 1: (n, 4) float64."""
    if not strokes:
        raise InvalidInput("expected at least one stroke, got none")
    boxes = np.empty((len(strokes), 4))
    for i, stroke in enumerate(strokes):
        points = np.asarray(stroke, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] < 2 or not len(points):
            raise InvalidInput(f"stroke {i}: expected points (m, 2), got shape {points.shape}")
        boxes[i] = (*points[:, :2].min(axis=0), *points[:, :2].max(axis=0))
    return boxes


def layout(boxes: Boxes) -> Layout:
    """The strokes of ``boxes`` (n, 4) ordered left to right, with the writing height:
    the median height of the tall strokes, those at least TALL times the tallest's (a bar
    or a dot is short; the digits' bodies set the height), at least 1 px."""
    centres = (boxes[:, 0] + boxes[:, 2]) / 2
    order = np.argsort(centres, kind="stable")
    heights = boxes[:, 3] - boxes[:, 1]
    height = max(float(np.median(heights[heights >= TALL * heights.max()])), 1.0)
    return Layout(tuple(int(i) for i in order), boxes[order], height)


def runs(plan: Layout) -> list[tuple[int, int]]:
    """The candidate digits: runs [i, j) of neighbouring strokes (in ``plan.order``).

    A run never starts or ends between strokes that overlap by more than HARD x H
    horizontally (the bar and the body of a 5 are one digit): the strokes between two
    such cuts are a block, and a candidate is one block, or neighbouring blocks of at
    most MAX_STROKES strokes in all, no wider than MAX_WIDTH x H, with no horizontal gap
    inside over MAX_GAP x H. Every block is a candidate, so a split always exists."""
    n = len(plan.order)
    boxes, H = plan.boxes, plan.height
    cuts = [0, *(k for k in range(1, n) if overlap(boxes[:k], boxes[k:]) <= HARD * H), n]
    out = []
    for a in range(len(cuts) - 1):
        for b in range(a + 1, len(cuts)):
            i, j = cuts[a], cuts[b]
            if b > a + 1 and (
                j - i > MAX_STROKES
                or boxes[i:j, 2].max() - boxes[i:j, 0].min() > MAX_WIDTH * H
                or inner_gap(boxes[i:j]) > MAX_GAP * H
            ):
                break  # a longer run has as many strokes, is as wide, has the same gaps
            out.append((i, j))
    return out


def inner_gap(boxes: Boxes) -> float:
    """The widest horizontal gap, in pixels, between the strokes of ``boxes`` (k, 4) taken
    together: 0 when their extents overlap or touch end to end."""
    return max(separation(boxes), 0.0)


def separation(boxes: Boxes) -> float:
    """How far apart, in pixels, the strokes of ``boxes`` (k, 4) are horizontally where
    they are furthest apart: the widest gap between the extents of those left of a point
    and those right of it, negative (the least overlap) when every such pair overlaps;
    -inf for one stroke."""
    spans = boxes[np.argsort(boxes[:, 0], kind="stable")][:, [0, 2]]
    reach = np.maximum.accumulate(spans[:, 1])
    gaps = spans[1:, 0] - reach[:-1]
    return float(gaps.max(initial=-np.inf))


def overlap(left: Boxes, right: Boxes) -> float:
    """How far, in pixels, the horizontal extents of two groups of strokes overlap."""
    return float(
        max(
            0.0, min(left[:, 2].max(), right[:, 2].max()) - max(left[:, 0].min(), right[:, 0].min())
        )
    )


def shape_cost(boxes: Boxes, height: float) -> float:
    """The price, in log-score, of reading the strokes ``boxes`` (k, 4) as one digit in
    writing of ``height``: for the gaps inside it, for being too short, too wide."""
    width = float(boxes[:, 2].max() - boxes[:, 0].min())
    tall = float(boxes[:, 3].max() - boxes[:, 1].min())
    return (
        GAP_COST * max(0.0, separation(boxes) / height + SLACK)
        + SHORT_COST * max(0.0, SHORT - tall / height)
        + WIDE_COST * max(0.0, width / height - WIDE)
    )


def best_split(
    plan: Layout, candidates: Sequence[tuple[int, int]], confidence: Sequence[float]
) -> list[tuple[int, int]]:
    """The split of the strokes into consecutive runs, each among ``candidates`` (from
    `runs`), with the highest score: the sum of log ``confidence`` (each candidate's
    probability of its likeliest digit, in (0, 1]) less the prices for overlaps cut and
    gaps kept (see the module's docstring). Runs left to right."""
    n = len(plan.order)
    score = {c: float(np.log(max(p, 1e-12))) for c, p in zip(candidates, confidence, strict=True)}
    H = plan.height
    best = [-np.inf] * (n + 1)
    best[0] = 0.0
    back: list[tuple[int, int] | None] = [None] * (n + 1)
    for (i, j), s in sorted(score.items(), key=lambda kv: kv[0][1]):
        if best[i] == -np.inf:
            continue
        total = best[i] + s - shape_cost(plan.boxes[i:j], H)
        if i > 0:
            total -= OVERLAP_COST * overlap(plan.boxes[:i], plan.boxes[i:j]) / H
        if total > best[j]:
            best[j], back[j] = total, (i, j)
    split, j = [], n
    while j > 0:
        run = back[j]
        if run is None:
            raise InvalidInput("expected candidates covering every stroke, got gaps")
        split.append(run)
        j = run[0]
    return split[::-1]


@dataclass(frozen=True)
class Part:
    """One digit of a number: which strokes, and where."""

    strokes: tuple[int, ...]  # indices into the drawing's strokes, ascending
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of its ink, canvas pixels


def stroke_points(points: npt.NDArray[np.float64], lengths: Sequence[int]) -> dict[int, Any]:
    """Each non-empty stroke's points (m, 2), by its index in the drawing, from all the
    points one stroke after the other (`preprocess.strokes.read_strokes`)."""
    ends = np.cumsum(lengths)
    return {i: points[e - n : e] for i, (n, e) in enumerate(zip(lengths, ends, strict=True)) if n}


def plan(points: dict[int, Any]) -> tuple[Layout, list[tuple[int, int]], list[Part]]:
    """The layout of the strokes ``points`` (`stroke_points`), the candidate runs and
    each run's `Part` (its strokes in drawing order, with their original indices)."""
    index = list(points)
    return _planned(stroke_boxes([points[i] for i in index]), index)


def piece_plan(
    labels: npt.NDArray[np.int32], count: int, scale: float = 1.0
) -> tuple[Layout, list[tuple[int, int]], list[Part]]:
    """`plan` for the pieces of ink of an image (`preprocess.components`: labels (h, w),
    pieces 1..``count``), each piece taking a stroke's place; a part's ``strokes`` are
    its pieces' labels less one, its box in pixels of the image ``scale`` times larger."""
    ys, xs = np.nonzero(labels)
    which = labels[ys, xs] - 1
    boxes = np.empty((count, 4))
    boxes[:, :2] = np.inf
    boxes[:, 2:] = -np.inf
    np.minimum.at(boxes[:, 0], which, xs)
    np.minimum.at(boxes[:, 1], which, ys)
    np.maximum.at(boxes[:, 2], which, xs + 1)
    np.maximum.at(boxes[:, 3], which, ys + 1)
    return _planned(boxes * scale, list(range(count)))


def _planned(boxes: Boxes, index: list[int]) -> tuple[Layout, list[tuple[int, int]], list[Part]]:
    grid = layout(boxes)
    candidates = runs(grid)
    parts = []
    for i, j in candidates:
        strokes = tuple(sorted(index[k] for k in grid.order[i:j]))
        box = grid.boxes[i:j]
        corners = (box[:, 0].min(), box[:, 1].min(), box[:, 2].max(), box[:, 3].max())
        parts.append(Part(strokes, tuple(float(c) for c in corners)))  # type: ignore[arg-type]
    return grid, candidates, parts
