"""Inference speed: one drawing end to end, a batch of drawings, and an uploaded image.

A drawing is a "7" with a crossbar on a 280x280 canvas: 3 strokes, 150 points, as a
pointer would send them. End to end = strokes -> 28x28 preprocessing -> forward pass ->
probabilities. Prints median and 99th-percentile latencies in milliseconds.

Run:  .venv/bin/python bench/inference.py [--model PATH] [--repeats 2000]
"""

import argparse
import io
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from app.config import get_settings
from app.engine import checkpoint
from app.engine.preprocess import image_to_pixels, strokes_to_pixels

Stroke = list[list[float]]


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


def summary(name: str, ms: list[float], per: int = 1) -> str:
    p99 = float(np.percentile(ms, 99))
    median = statistics.median(ms)
    return f"| {name} | {median:.3f} | {p99:.3f} | {median / per * 1000:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=get_settings().model_dir / "default.npz")
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()
    network = checkpoint.load(args.model).network
    rng = np.random.default_rng(0)
    drawing = seven(rng)
    drawings = [seven(rng) for _ in range(256)]

    def one() -> np.ndarray:
        pixels = strokes_to_pixels(drawing, 280, 280)
        return network.predict_proba(pixels.reshape(1, 784))

    def batch() -> np.ndarray:
        pixels = np.stack([strokes_to_pixels(d, 280, 280) for d in drawings])
        return network.predict_proba(pixels.reshape(len(drawings), 784))

    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    pen = ImageDraw.Draw(canvas)
    for stroke in drawing:
        pen.line([tuple(p) for p in stroke], fill=(0, 0, 0, 255), width=18, joint="curve")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    png = buffer.getvalue()

    def image() -> np.ndarray:
        return network.predict_proba(image_to_pixels(png).reshape(1, 784))

    forward_only = rng.random((1, 784), dtype=np.float32)
    preprocess_only = timed(lambda: strokes_to_pixels(drawing, 280, 280), args.repeats)
    print(
        f"machine: {platform.machine()}, numpy {np.__version__}; model {args.model.name} "
        f"{'-'.join(map(str, network.sizes))}; drawing: 3 strokes, 150 points, 280x280\n"
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
            timed(lambda: network.predict_proba(forward_only), args.repeats),
        )
    )
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
            timed(
                lambda: network.predict_proba(np.repeat(forward_only, 256, 0)), args.repeats // 4
            ),
            per=256,
        )
    )


if __name__ == "__main__":
    main()
