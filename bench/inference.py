"""Inference speed: one drawing end to end, a batch of drawings, and an uploaded image.

A drawing is a "7" with a crossbar on a 280x280 canvas: 3 strokes, 150 points, as a
pointer would send them. End to end = strokes -> 28x28 preprocessing -> the reader's
answer (the image networks and, for strokes, the trajectory networks), as the server
reads a drawing, on one BLAS thread as the server runs. With a contributor: the same,
plus what a prediction naming a contributor with 500 saved drawings adds (their
revision read from a real SQLite store, their features kept in memory, the blend),
measured apart as the difference between the two, called in turn (a median of
differences holds still on a busy machine where two medians taken a minute apart do
not). A
number: six such 7s written side by side on a 1,120x280 canvas, split and read as
``POST /predict/number`` reads it.
Prints median and 99th-percentile latencies in milliseconds.

Run:  .venv/bin/python bench/inference.py [--model PATH] [--repeats 2000]
"""

import argparse
import io
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from app.config import get_settings
from app.engine import checkpoint
from app.engine.number_replay import write_number
from app.engine.preprocess import strokes_to_pixels
from app.engine.reader import Limits, Reader
from app.services.personal import PersonalDrawings
from app.store import NewSample, open_store
from app.web.runtime.serving import one_blas_thread

Stroke = list[list[float]]
LIMITS = Limits()
PERSONAL_SAMPLES = 500


def seven(rng: np.random.Generator, n: int = 150) -> list[Stroke]:
    """A hand-drawn-looking 7 with a crossbar: three strokes, n points in all."""

    def line(x0: float, y0: float, x1: float, y1: float, k: int) -> Stroke:
        t = np.linspace(0, 1, k)
        jitter = rng.normal(0, 0.8, (k, 2))
        return (np.c_[x0 + t * (x1 - x0), y0 + t * (y1 - y0)] + jitter).tolist()

    bar_and_stem = line(70, 60, 210, 55, n // 3) + line(210, 55, 120, 230, n // 3)
    crossbar = line(120, 140, 190, 140, n - 2 * (n // 3))
    return [bar_and_stem[: n // 3], bar_and_stem[n // 3 :], crossbar]


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds per call, after a warm-up."""
    for _ in range(min(50, repeats)):
        fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - started) / 1e6)
    return out


def paired(base: Callable[[], object], fn: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds ``fn`` takes more than ``base``, call by call: the two alternate, after
    a warm-up, so that both see the same moments of a busy machine."""
    for _ in range(min(50, repeats)):
        base(), fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        base()
        middle = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - 2 * middle + started) / 1e6)
    return out


def summary(name: str, ms: list[float], per: int = 1) -> str:
    p99 = float(np.percentile(ms, 99))
    median = statistics.median(ms)
    return f"| {name} | {median:.3f} | {p99:.3f} | {median / per * 1000:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=get_settings().model_dir / "default.npz")
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()
    reader = Reader(checkpoint.load(args.model))
    rng = np.random.default_rng(0)
    drawing = seven(rng)
    drawings = [seven(rng) for _ in range(256)]

    def one() -> object:
        return reader.read([reader.from_strokes(drawing, 280, 280, LIMITS)])

    def batch() -> object:
        return reader.read([reader.from_strokes(d, 280, 280, LIMITS) for d in drawings])

    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    pen = ImageDraw.Draw(canvas)
    for stroke in drawing:
        pen.line([tuple(p) for p in stroke], fill=(0, 0, 0, 255), width=18, joint="curve")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    png = buffer.getvalue()

    def image() -> object:
        return reader.read([Reader.from_image(png, LIMITS)])

    forward_only = rng.random((1, 784), dtype=np.float32)
    preprocess_only = timed(lambda: strokes_to_pixels(drawing, 280, 280), args.repeats)
    print(
        f"machine: {platform.machine()}, numpy {np.__version__}; model {args.model.name} "
        f"{len(reader.networks)} x {'-'.join(map(str, reader.network.sizes))}; "
        "drawing: 3 strokes, 150 points, 280x280\n"
    )
    print("| what | median ms | p99 ms | median µs per drawing |")
    print("|---|---|---|---|")
    print(
        summary(
            "one drawing, end to end (strokes -> 28x28 -> probabilities)", timed(one, args.repeats)
        )
    )
    print(summary("  of which preprocessing", preprocess_only))
    print(
        summary(
            "  of which the forward pass",
            timed(lambda: reader.probabilities(forward_only), args.repeats),
        )
    )
    number = write_number([seven(rng) for _ in range(6)], rng)
    strokes, wide = [s.tolist() for s in number.strokes], max(1120.0, number.width)
    assert reader.read_number(strokes, wide, 280, LIMITS).number == "777777"
    print(
        summary(
            "a 6-digit number, end to end (1,120x280 canvas, split into digits)",
            timed(lambda: reader.read_number(strokes, wide, 280, LIMITS), args.repeats // 4),
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        for i in range(PERSONAL_SAMPLES):  # saved as the page saves them, with strokes
            strokes = seven(rng)
            pixels = strokes_to_pixels(strokes, 280, 280)
            store.add(NewSample(label=i % 10, pixels=np.rint(pixels * 255).astype(np.uint8),
                                strokes=strokes, canvas_width=280,
                                canvas_height=280, contributor="bench"))  # fmt: skip
        drawings_of = PersonalDrawings()

        def personal() -> object:
            mine = drawings_of.personal(reader, store, "bench")
            return reader.read([reader.from_strokes(drawing, 280, 280, LIMITS)], personal=mine)

        print(
            summary(
                f"one drawing, end to end, with a contributor's {PERSONAL_SAMPLES} drawings",
                timed(personal, args.repeats),
            )
        )
        print(
            summary(
                "  of which their drawings (in turn with one alone)",
                paired(one, personal, args.repeats),
            )
        )
        store.close()
    print(summary("one PNG upload (280x280 RGBA), end to end", timed(image, args.repeats // 2)))
    print(
        summary(
            "batch of 256 drawings, end to end, one forward pass",
            timed(batch, max(20, args.repeats // 100)),
            per=256,
        )
    )
    print(
        summary(
            "forward pass alone, 256 images",
            timed(lambda: reader.probabilities(np.repeat(forward_only, 256, 0)), args.repeats // 4),
            per=256,
        )
    )


if __name__ == "__main__":
    with one_blas_thread():
        main()
