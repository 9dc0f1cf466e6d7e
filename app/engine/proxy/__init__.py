"""Stand-ins for digits drawn by real people with a pen, made by code, with writer ids.

The model is meant to read digits drawn on the page's 280 x 280 canvas: strokes of
points, pen-up between strokes, rendered by the server (`strokes_to_pixels`). MNIST is
pen on paper, scanned; contributed drawings are few. These proxies give a set of stroke
drawings with labels and writer ids, large enough to measure accuracy on canvas drawings
and to simulate "some writers contribute, fine-tune, test on the other writers":

- `traced`: MNIST digits thinned to skeletons (`thinning.thin`) and walked back into
  pen strokes (`trace.trace`), on the canvas. Real handwriting shapes, redrawn with the
  server's uniform round pen. MNIST has no writer ids; the writer of image ``i`` is
  ``i // WRITER_BLOCK`` (consecutive blocks of 50), a deterministic grouping only.
- `scripted`: digits written by scripted writers (`writers.Writer`), parametric glyphs
  of our own with per-writer habits (slant, width, size and place on the canvas,
  roundness, style choices like a crossed 7 or an open 4) and per-sample variation.
- `render`: any proxy set through the server's preprocessing, as the network reads it.

What they are not. Neither is a recording of a person at a tablet. The traced set keeps
MNIST's shapes (NIST's American writers, pen on paper, scanned) and its framing; its
stroke order, speed and pen lifts are guessed from the skeleton; thinning leaves small
kinks at junctions and loses loops filled with ink; and its "writers" are blocks of
consecutive images, not people: one person's digits can land on both sides of a split, so
a "new writers" score on it flatters the model. The scripted set has the diversity we
wrote into it and no more: ten glyph families with a handful of variants, smooth spline
strokes, habits drawn from hand-picked ranges, no mistakes, corrections, hurried scrawls
or unusual forms; a model fine-tuned on it can learn the generator instead of the
digits. Treat accuracy on either as a check, not as the accuracy on people.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput
from app.engine.preprocess import strokes_to_pixels
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.proxy.thinning import thin
from app.engine.proxy.trace import trace
from app.engine.proxy.writers import CANVAS, random_writer, write

Stroke = npt.NDArray[np.float64]  # (k, 2) float64 (x, y) points on the 280 x 280 canvas
WRITER_BLOCK = 50  # traced MNIST images i and j have the same "writer" iff i // 50 == j // 50
INK_THRESHOLD = 128  # MNIST pixels at least this dark (of 255) are ink, before thinning


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays with == gives no single bool
class ProxySet:
    """Labelled stroke drawings on the 280 x 280 canvas, with writer ids."""

    strokes: list[list[Stroke]]  # n drawings, each a list of (k, 2) float64 strokes
    labels: npt.NDArray[np.int64]  # (n,) in 0..9
    writers: npt.NDArray[np.int64]  # (n,) writer ids, >= 0
    source: str  # how the set was made, e.g. "traced MNIST" or "scripted writers"

    def __post_init__(self) -> None:
        n = len(self.strokes)
        if self.labels.shape != (n,) or self.writers.shape != (n,):
            raise InvalidInput(
                f"expected {n} labels and writers, got shapes "
                f"{self.labels.shape} and {self.writers.shape}"
            )

    def __len__(self) -> int:
        return len(self.strokes)


def traced(
    images: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    rng: np.random.Generator,
    writers: npt.ArrayLike | None = None,
) -> ProxySet:
    """MNIST-like digits redrawn as pen strokes on the canvas.

    ``images``: (n, 28, 28) uint8, 0 = background, 255 = ink (MNIST's convention);
    pixels >= INK_THRESHOLD are thinned and traced. ``labels``: (n,) digits.
    ``writers``: (n,) writer ids, or None for consecutive blocks of WRITER_BLOCK.
    ``rng`` jitters the points (see `trace.trace`). Raises InvalidInput for mismatched
    shapes or an image with no ink, naming the image.
    """
    array = np.asarray(images)
    if array.ndim != 3 or array.shape[1:] != (28, 28):
        raise InvalidInput(f"expected images of shape (n, 28, 28), got {array.shape}")
    skeletons = thin(array >= INK_THRESHOLD)
    drawings = []
    for i, skeleton in enumerate(skeletons):
        if not skeleton.any():
            raise InvalidInput(f"image {i}: expected some pixels >= {INK_THRESHOLD}, got none")
        drawings.append(trace(skeleton, canvas=CANVAS, rng=rng))
    ids = np.arange(len(array)) // WRITER_BLOCK if writers is None else writers
    return ProxySet(
        strokes=drawings,
        labels=np.asarray(labels, dtype=np.int64),
        writers=np.asarray(ids, dtype=np.int64),
        source="traced MNIST",
    )


def scripted(n_writers: int, per_digit: int, *, rng: np.random.Generator) -> ProxySet:
    """Every digit written ``per_digit`` times by each of ``n_writers`` scripted writers.

    Writer w's drawings have writer id w; they come writer by writer, digit by digit.
    Returns n_writers * 10 * per_digit drawings. Raises InvalidInput for counts < 1.
    """
    if n_writers < 1 or per_digit < 1:
        raise InvalidInput(f"expected counts >= 1, got {n_writers} writers, {per_digit} each")
    drawings, labels, ids = [], [], []
    for w in range(n_writers):
        writer = random_writer(rng)
        for digit in range(10):
            for _ in range(per_digit):
                drawings.append(write(writer, digit, rng))
                labels.append(digit)
                ids.append(w)
    return ProxySet(
        strokes=drawings,
        labels=np.array(labels, dtype=np.int64),
        writers=np.array(ids, dtype=np.int64),
        source="scripted writers",
    )


def render(proxy: ProxySet, *, pen_width: float = PEN_WIDTH) -> npt.NDArray[np.float32]:
    """The (n, 784) float32 images in [0, 1] the network reads, one per drawing.

    Each drawing goes through `strokes_to_pixels(strokes, 280, 280)`, as the server
    renders a drawing from the page (with a pen ``pen_width`` wide). Raises InvalidInput
    naming the first drawing that cannot be rendered: every generated drawing must be.
    """
    out = np.empty((len(proxy), 784), dtype=np.float32)
    for i, drawing in enumerate(proxy.strokes):
        try:
            out[i] = strokes_to_pixels(drawing, CANVAS, CANVAS, pen_width=pen_width).ravel()
        except InvalidInput as e:
            raise InvalidInput(f"drawing {i} ({proxy.source}): {e}") from e
    return out


TRAINING_STREAM = 1  # scripted training writers come from default_rng([seed, 1])
SCRIPTED_DRAWINGS = 12_000  # how many the shipped recipe adds to MNIST's 60,000


def written_by_scripted_writers(
    count: int, *, seed: int, pen_width: float = PEN_WIDTH
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """``count`` rendered drawings (count, 784) of scripted writers, with labels (count,),
    for training: writers of their own (drawn from ``default_rng([seed, 1])``, not the
    writers a benchmark draws with ``default_rng(seed)``), two drawings of each digit
    each, so every style of the generator is seen, not only MNIST's."""
    rng = np.random.default_rng([seed, TRAINING_STREAM])
    drawings = scripted(max(1, -(-count // 20)), 2, rng=rng)
    return render(drawings, pen_width=pen_width)[:count], drawings.labels[:count]
