"""A skeleton image -> the strokes a pen could have drawn it with, in writing order.

`trace` reads a one-pixel-wide skeleton (from `thinning.thin`) as a graph and walks it:

1. pixels are nodes, linked to their 8 neighbours, except that a diagonal link is dropped
   when the two pixels share a 4-neighbour in the skeleton (so a corner is a chain, not a
   triangle); specks of fewer than MIN_PIXELS pixels go when there is more ink;
2. pixels with one neighbour are ends, pixels with three or more are junctions, and
   touching junction pixels (an X crossing leaves a 2x2 block) are one junction at their
   centroid; the chains of two-neighbour pixels between them are segments, and a chain
   that meets no end or junction (a "0") is a closed segment;
3. spurs, segments from an end to a junction shorter than SPUR_PX, are dropped (the
   shortest first) and the two segments left at a junction with two are joined;
4. strokes are walked greedily, the way people write: start at the top-left-most free end
   (or the top of a loop, going counter-clockwise), at a junction carry on along the
   segment that turns least, if it turns by less than MAX_TURN_DEG, else lift the pen;
5. points are smoothed (staircases removed), scaled from the pixel grid to the canvas
   (pixel centres at (i + 0.5) * canvas / side), resampled along their length, and jittered
   when a Generator is given.
"""

import itertools
import math

import numpy as np
import numpy.typing as npt

from app.engine.errors import EmptyDrawing, InvalidInput

Stroke = npt.NDArray[np.float64]  # (k, 2) float64 points (x, y) in canvas pixels, in order
Pixel = tuple[int, int]  # (x, y) = (column, row)
Path = list[tuple[float, float]]  # (x, y) in grid pixels

MIN_PIXELS = 3  # smaller connected components are specks, dropped if there is more ink
SPUR_PX = 2.5  # an end-to-junction segment shorter than this (grid pixels) is a spur
MAX_TURN_DEG = 75.0  # a stroke goes on through a junction only if it turns less than this
SPACING = 6.0  # distance between resampled points, in canvas pixels
JITTER = 1.0  # std of the noise added to every point with a Generator, canvas pixels


def trace(
    skeleton: npt.ArrayLike,
    *,
    canvas: float = 280.0,
    rng: np.random.Generator | None = None,
    spacing: float = SPACING,
    jitter: float = JITTER,
) -> list[Stroke]:
    """The strokes of a skeleton, in writing order, as points on a square canvas.

    ``skeleton``: (h, w) bool, lines one pixel wide (2x2 blocks at crossings are fine).
    ``canvas``: the canvas side in canvas pixels; the grid's longer side is scaled to it.
    ``rng``: if given, spacing between points varies (uniform in 0.5..1.5 x ``spacing``)
    and every point moves by Gaussian noise of std ``jitter``; without it the result is
    deterministic. Returns a list of (k, 2) float64 arrays of (x, y) canvas points, k >= 1,
    every skeleton pixel (but spurs and specks) within a pixel of some stroke.

    Raises InvalidInput unless ``skeleton`` is 2-D; EmptyDrawing if it has no ink.
    """
    grid = np.asarray(skeleton)
    if grid.ndim != 2:
        raise InvalidInput(f"expected a 2-D skeleton, got shape {grid.shape}")
    rows, cols = np.nonzero(grid)
    if not len(rows):
        raise EmptyDrawing("expected a skeleton with some ink, got none")
    graph = _without_specks(
        _pixel_graph({(int(x), int(y)) for x, y in zip(cols, rows, strict=True)})
    )
    segments = _pruned(_segments(graph))
    scale = canvas / max(grid.shape)
    return [
        _to_canvas(path, scale, spacing, jitter, rng)
        for path in _walk(segments) + _lone_pixels(graph)
    ]


def _pixel_graph(pixels: set[Pixel]) -> dict[Pixel, list[Pixel]]:
    """Each pixel's neighbours: 8-connected, minus diagonals that share a 4-neighbour."""
    graph: dict[Pixel, list[Pixel]] = {}
    for x, y in pixels:
        graph[(x, y)] = [
            (x + dx, y + dy)
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            if (dx or dy)
            and (x + dx, y + dy) in pixels
            and not (dx and dy and ((x + dx, y) in pixels or (x, y + dy) in pixels))
        ]
    return graph


def _components(graph: dict[Pixel, list[Pixel]], members: set[Pixel]) -> list[list[Pixel]]:
    """The connected groups of ``members``, linked through ``graph``'s edges among them."""
    seen: set[Pixel] = set()
    groups = []
    for start in sorted(members):
        if start in seen:
            continue
        seen.add(start)
        group, stack = [], [start]
        while stack:
            p = stack.pop()
            group.append(p)
            for q in graph[p]:
                if q in members and q not in seen:
                    seen.add(q)
                    stack.append(q)
        groups.append(group)
    return groups


def _without_specks(graph: dict[Pixel, list[Pixel]]) -> dict[Pixel, list[Pixel]]:
    """``graph`` without components of fewer than MIN_PIXELS, unless all are that small."""
    groups = _components(graph, set(graph))
    if all(len(g) < MIN_PIXELS for g in groups):
        return graph
    return {p: graph[p] for g in groups if len(g) >= MIN_PIXELS for p in g}


class _Segment:
    """A chain of points between two nodes (ends or junctions), or a closed chain."""

    def __init__(self, start: int, end: int, points: Path) -> None:
        self.start, self.end, self.points = start, end, points

    def reversed(self) -> "_Segment":
        return _Segment(self.end, self.start, self.points[::-1])

    def length(self) -> float:
        return sum(math.dist(a, b) for a, b in itertools.pairwise(self.points))


def _segments(graph: dict[Pixel, list[Pixel]]) -> list[_Segment]:
    """The segments of the pixel graph; node ids are indices of ends and junctions."""
    junctions = {p for p, n in graph.items() if len(n) >= 3}
    nodes = _components(graph, junctions) + [[p] for p, n in graph.items() if len(n) == 1]
    node_of = {p: i for i, group in enumerate(nodes) for p in group}
    centre = [(sum(x for x, _ in g) / len(g), sum(y for _, y in g) / len(g)) for g in nodes]
    used: set[frozenset[Pixel]] = set()
    segments = []
    for p in sorted(node_of):
        for q in graph[p]:
            if node_of.get(q) == node_of[p] or frozenset((p, q)) in used:
                continue
            used.add(frozenset((p, q)))
            chain, previous = [q], p
            while q not in node_of:
                previous, q = q, next(r for r in graph[q] if r != previous)
                used.add(frozenset((previous, q)))
                chain.append(q)
            inner: Path = [(float(x), float(y)) for x, y in chain[:-1]]
            segments.append(
                _Segment(node_of[p], node_of[q], [centre[node_of[p]], *inner, centre[node_of[q]]])
            )
    # What is left are rings of two-neighbour pixels: closed segments without a node.
    left = {p for p in graph if len(graph[p]) == 2 and p not in node_of}
    left -= {p for edge in used for p in edge}
    for ring in _components(graph, left):
        start = min(ring, key=lambda p: (p[1], p[0]))
        chain, previous, q = [start], start, graph[start][0]
        while q != start:
            chain.append(q)
            previous, q = q, next(r for r in graph[q] if r != previous)
        closed: Path = [(float(x), float(y)) for x, y in [*chain, start]]
        segments.append(_Segment(-1, -1, _counter_clockwise(closed)))
    return segments


def _counter_clockwise(ring: Path) -> Path:
    """A closed path (first point = last) turned to go counter-clockwise on screen."""
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    return ring if area < 0 else ring[::-1]  # y points down: clockwise has positive area


def _degrees(segments: list[_Segment]) -> dict[int, int]:
    """How many segment ends meet at each node."""
    degree: dict[int, int] = {}
    for s in segments:
        for node in (s.start, s.end):
            degree[node] = degree.get(node, 0) + 1
    return degree


def _pruned(segments: list[_Segment]) -> list[_Segment]:
    """``segments`` without spurs, and joined through the junctions that become links."""
    segments = list(segments)
    while True:
        degree = _degrees(segments)
        spurs = [
            s
            for s in segments
            if s.start != s.end
            and sorted((degree[s.start], degree[s.end]))[0] == 1
            and max(degree[s.start], degree[s.end]) >= 3
            and s.length() < SPUR_PX
        ]
        if not spurs:
            return segments
        segments.remove(min(spurs, key=_Segment.length))
        degree = _degrees(segments)
        for node in [n for n, d in degree.items() if d == 2 and n >= 0]:
            touching = [s for s in segments if node in (s.start, s.end)]
            if len(touching) == 2:  # not a loop closing on itself
                a = touching[0] if touching[0].end == node else touching[0].reversed()
                b = touching[1] if touching[1].start == node else touching[1].reversed()
                segments = [s for s in segments if s not in touching]
                segments.append(_Segment(a.start, b.end, a.points + b.points[1:]))


def _writing_order_key(point: tuple[float, float]) -> float:
    """Smaller for points people start at: the top first, then the left."""
    x, y = point
    return y + 0.5 * x


def _walk(segments: list[_Segment]) -> list[Path]:
    """The segments joined into pen strokes, in writing order (see the module's step 4)."""
    unused = list(segments)
    paths = []
    while unused:
        degree = _degrees(unused)
        # Start at a free end (a node where an odd number of segments meet) if any, else
        # anywhere; among those, at the top-left, heading top-left (a loop's far side).
        options = [(s, o) for s in unused for o in (s, s.reversed())]
        free = [(s, o) for s, o in options if o.start < 0 or degree[o.start] % 2] or options
        first, path_segment = min(
            free,
            key=lambda so: (
                _writing_order_key(so[1].points[0]),
                _writing_order_key(so[1].points[min(3, len(so[1].points) - 1)]),
            ),
        )
        unused.remove(first)
        path, node = list(path_segment.points), path_segment.end
        while node >= 0:
            turn, chosen, going = min(
                (
                    (_turn(path, o.points), s, o)
                    for s in unused
                    for o in (s, s.reversed())
                    if o.start == node
                ),
                key=lambda t: t[0],
                default=(math.inf, None, None),
            )
            if chosen is None or going is None or turn >= MAX_TURN_DEG:
                break
            unused.remove(chosen)
            path += going.points[1:]
            node = going.end
        paths.append(path)
    return paths


def _turn(path: Path, after: Path) -> float:
    """Degrees the pen turns going from the end of ``path`` into ``after``."""
    (x0, y0), (x1, y1) = path[max(len(path) - 4, 0)], path[-1]
    (x2, y2), (x3, y3) = after[0], after[min(3, len(after) - 1)]
    a = math.atan2(y1 - y0, x1 - x0)
    b = math.atan2(y3 - y2, x3 - x2)
    return abs(math.degrees((b - a + math.pi) % (2 * math.pi) - math.pi))


def _lone_pixels(graph: dict[Pixel, list[Pixel]]) -> list[Path]:
    """A one-point path for every pixel without neighbours (a dot)."""
    return [[(float(x), float(y))] for (x, y), n in sorted(graph.items()) if not n]


def _to_canvas(
    path: Path, scale: float, spacing: float, jitter: float, rng: np.random.Generator | None
) -> Stroke:
    """A path of grid pixels as a stroke of canvas points: smoothed, resampled, jittered."""
    points = np.array(path, dtype=np.float64)
    closed = len(points) > 2 and bool((points[0] == points[-1]).all())
    for _ in range(2):  # a [1, 2, 1] / 4 filter, twice: staircases become lines
        if closed:
            ring = points[:-1]
            ring = (np.roll(ring, 1, axis=0) + 2 * ring + np.roll(ring, -1, axis=0)) / 4
            points = np.vstack([ring, ring[:1]])
        elif len(points) > 2:
            points[1:-1] = (points[:-2] + 2 * points[1:-1] + points[2:]) / 4
    points = (points + 0.5) * scale
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    length = along[-1]
    if length == 0:
        return points[:1]
    if rng is None:
        at = np.linspace(0, length, math.ceil(length / spacing) + 1)
    else:
        steps = np.cumsum(spacing * rng.uniform(0.5, 1.5, math.ceil(2 * length / spacing)))
        at = np.concatenate([[0.0], steps[steps < length], [length]])
    resampled = np.stack([np.interp(at, along, points[:, i]) for i in (0, 1)], axis=1)
    if rng is not None:
        resampled += rng.normal(0, jitter, resampled.shape)
    return resampled
