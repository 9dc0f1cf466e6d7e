"""Skeletons of binary digit images: every stroke thinned to a line one pixel wide.

The algorithm is Guo and Hall's two-subiteration parallel thinning (Z. Guo and R. W. Hall,
"Parallel thinning with two-subiteration algorithms", Communications of the ACM 32(3),
1989, algorithm A1), a refinement of Zhang and Suen's (1984) that leaves thinner
diagonals. With the eight neighbours of an ink pixel ``p`` named clockwise from north,
p2 (N), p3 (NE), p4 (E), p5 (SE), p6 (S), p7 (SW), p8 (W), p9 (NW), a subiteration removes,
all at once, every ink pixel with

- C(p) = 1: one 8-connected run of ink around ``p``, so removing it keeps things
  connected; C(p) = [not p2 and (p3 or p4)] + [not p4 and (p5 or p6)]
  + [not p6 and (p7 or p8)] + [not p8 and (p9 or p2)];
- 2 <= N(p) <= 3: not the end of a stroke, not buried inside a blob; N(p) = min(N1, N2),
  N1 = (p9 or p2) + (p3 or p4) + (p5 or p6) + (p7 or p8),
  N2 = (p2 or p3) + (p4 or p5) + (p6 or p7) + (p8 or p9);
- first subiteration: not [(p6 or p7 or not p9) and p8];
  second: not [(p2 or p3 or not p5) and p4];

and the two subiterations repeat until nothing changes.

The batch is bit-packed: each image row is one 64-bit word, bit ``j + 1`` holding column
``j``, so a word shifted by one bit is the row's east or west neighbours, the word above
its north neighbours, and the conditions above become bitwise logic applied to every pixel
of every image at once (64 pixels per operation). Images that stopped changing leave the
working set.
"""

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

Binary = npt.NDArray[np.bool_]
Words = npt.NDArray[np.uint64]

MAX_WIDTH = 62  # columns 0..61 sit in bits 1..62, with a zero bit on either side
_ONE = np.uint64(1)
_CHUNK = 4096  # images thinned together: their words stay in the CPU's cache


def thin(images: npt.ArrayLike) -> Binary:
    """The skeletons of a batch of binary images.

    ``images``: (n, h, w) bool (or numbers, nonzero = ink), w <= 62, e.g. MNIST digits
    thresholded into (n, 28, 28). Returns a new (n, h, w) bool array: each 8-connected
    component of ink thinned to lines one pixel wide, keeping its connectivity, its holes
    (a ring stays a ring) and the ends of its strokes. A single pixel stays.

    Raises InvalidInput unless ``images`` is three-dimensional with w <= 62.
    """
    array = np.asarray(images)
    if array.ndim != 3 or array.shape[2] > MAX_WIDTH:
        raise InvalidInput(
            f"expected images of shape (n, h, w) with w <= {MAX_WIDTH}, got shape {array.shape}"
        )
    rows = np.pad(_pack(array != 0), ((0, 0), (1, 1)))  # a zero row above and below
    for start in range(0, len(rows), _CHUNK):
        _thin_rows(rows[start : start + _CHUNK])
    return _unpack(rows[:, 1:-1], array.shape[2])


def _thin_rows(rows: Words) -> None:
    """Thin the packed images ``rows`` (n, h + 2) in place, until nothing changes."""
    active = np.arange(len(rows))
    while len(active):
        work = rows[active]
        changed = np.zeros(len(active), dtype=bool)
        for subiteration in (0, 1):
            remove = _removable(work, subiteration)
            work[:, 1:-1] &= ~remove
            changed |= remove.any(axis=1)
        rows[active] = work
        active = active[changed]


def _pack(images: Binary) -> Words:
    """(n, h, w) bool -> (n, h) uint64 words, column j in bit j + 1."""
    n, h, _ = images.shape
    packed = np.zeros((n, h, 8), dtype=np.uint8)  # 8 bytes a row, lowest first
    low = np.packbits(images, axis=2, bitorder="little")
    packed[:, :, : low.shape[2]] = low
    words: Words = packed.view("<u8")[:, :, 0].astype(np.uint64) << _ONE
    return words


def _unpack(rows: Words, width: int) -> Binary:
    """(n, h) uint64 words -> (n, h, width) bool, the inverse of `_pack`."""
    as_bytes = (rows >> _ONE).astype("<u8")[:, :, None].view(np.uint8)  # low byte first
    bits = np.unpackbits(as_bytes, axis=2, count=width, bitorder="little")
    return bits.astype(bool)


def _removable(rows: Words, subiteration: int) -> Words:
    """The pixels Guo and Hall's subiteration removes, as words like ``rows[:, 1:-1]``.

    ``rows``: (n, h + 2) uint64, one word per row with a zero row above and below.
    """
    up, p, down = rows[:, :-2], rows[:, 1:-1], rows[:, 2:]
    # Bit j of `x >> 1` is bit j + 1 of x, the pixel to the east.
    p2, p3, p4, p5 = up, up >> _ONE, p >> _ONE, down >> _ONE
    p6, p7, p8, p9 = down, down << _ONE, p << _ONE, up << _ONE
    C_is_1 = _exactly_one(~p2 & (p3 | p4), ~p4 & (p5 | p6), ~p6 & (p7 | p8), ~p8 & (p9 | p2))
    n1 = (p9 | p2, p3 | p4, p5 | p6, p7 | p8)
    n2 = (p2 | p3, p4 | p5, p6 | p7, p8 | p9)
    # min(N1, N2) in [2, 3]: both at least 2, and not both 4.
    N_ok = _at_least_two(*n1) & _at_least_two(*n2) & ~(_all(*n1) & _all(*n2))
    kept = (p6 | p7 | ~p9) & p8 if subiteration == 0 else (p2 | p3 | ~p5) & p4
    result: Words = p & C_is_1 & N_ok & ~kept
    return result


def _exactly_one(a: Words, b: Words, c: Words, d: Words) -> Words:
    """Bitwise: exactly one of the four bits is set."""
    result: Words = (a | b | c | d) & ~_at_least_two(a, b, c, d)
    return result


def _at_least_two(a: Words, b: Words, c: Words, d: Words) -> Words:
    """Bitwise: two or more of the four bits are set (a pair in a, b or c, d, or one of each)."""
    pair: Words = (a & b) | (c & d)
    one_each: Words = (a | b) & (c | d)
    result: Words = pair | one_each
    return result


def _all(a: Words, b: Words, c: Words, d: Words) -> Words:
    """Bitwise: all four bits are set."""
    result: Words = a & b & c & d
    return result
