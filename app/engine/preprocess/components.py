"""The connected pieces of ink in an image: what strokes are for a drawing sent as points.

An uploaded image of a number has no strokes, but its digits are (mostly) separate pieces
of ink. `components` finds them: pixels with ink above a threshold, joined to their eight
neighbours, labelled row by row (runs of ink in a row join the runs they touch in the
row above, a union-find merging labels that meet later). Specks far smaller than the
writing are dropped. `app.engine.numbers` then groups the pieces into digits with the
same logic as strokes.
"""

import numpy as np
import numpy.typing as npt

from app.engine.errors import EmptyDrawing

THRESHOLD = 0.2  # ink above this is part of a piece
SPECK = 0.1  # pieces whose longer side is under this share of the tallest piece's height

Labels = npt.NDArray[np.int32]  # (h, w): 0 = no ink, k = the k-th piece


def components(ink: npt.NDArray[np.floating]) -> tuple[Labels, int]:
    """The pieces of ``ink`` (h, w) in [0, 1]: labels (h, w) int32, 0 for background and
    1..n for the pieces ordered by their leftmost pixel, and n. Specks (see SPECK) are
    background. Raises EmptyDrawing when nothing is left."""
    mask = np.asarray(ink) > THRESHOLD
    labels = np.zeros(mask.shape, dtype=np.int32)
    parent: list[int] = [0]

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    above: list[tuple[int, int, int]] = []
    for y, row in enumerate(mask):
        edges = np.diff(np.concatenate(([0], row.view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        here = []
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            touching = [k for s, e, k in above if s <= end and e >= start]  # 8 neighbours
            if touching:
                root = find(touching[0])
                for k in touching[1:]:
                    parent[find(k)] = root
            else:
                root = len(parent)
                parent.append(root)
            labels[y, start:end] = root
            here.append((start, end, root))
        above = here
    roots = np.array([find(k) for k in range(len(parent))], dtype=np.int32)
    return _relabelled(roots[labels])


def _relabelled(labels: Labels) -> tuple[Labels, int]:
    """Labels renumbered 1..n by leftmost pixel, specks dropped."""
    found = np.unique(labels[labels > 0])
    if not len(found):
        raise EmptyDrawing("expected some ink, got a blank image")
    ys, xs = np.nonzero(labels)
    which = np.searchsorted(found, labels[ys, xs])
    low = np.full((len(found), 2), np.iinfo(np.int64).max)
    high = np.full((len(found), 2), -1)
    np.minimum.at(low, which, np.stack([ys, xs], axis=1))
    np.maximum.at(high, which, np.stack([ys, xs], axis=1))
    size = high - low + 1  # (n, 2): height, width
    kept = np.flatnonzero(size.max(axis=1) >= SPECK * size[:, 0].max())
    kept = kept[np.argsort(low[kept, 1], kind="stable")]
    table = np.zeros(int(found.max()) + 1, dtype=np.int32)
    table[found[kept]] = np.arange(1, len(kept) + 1, dtype=np.int32)
    return table[labels], len(kept)
