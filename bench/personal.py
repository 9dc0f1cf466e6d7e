"""A pad that learns its writer: accuracy on a writer's digits after they saved a few.

For each UNIPEN writer of the chosen part (test writers by default) who wrote more than k
of every digit, k drawings of each digit are "saved" (chosen at random), and the rest of
their digits are read by the model alone and with those k x 10 drawings as the
contributor's own (`app.engine.personal`), for k = 1, 2, 3. Which drawings a writer saves
moves the result by a few digits, so it is drawn ``--draws`` times (10 by default): the
table gives the mean over the draws and the lowest and highest draw. Every drawing is
replayed onto the page's canvas and read as ``POST /predict`` reads it. ``--tune`` also
tries other sharpnesses κ (use it on the validation writers, which chose the default).

Run:  DIGITPAD_UNIPEN_DIR=../shared/data/unipen .venv/bin/python bench/personal.py \\
      [--model M] [--writers test|validation] [--draws 10] [--tune]
"""

import argparse
from pathlib import Path

import numpy as np

from app.config import get_settings
from app.engine import checkpoint
from app.engine.personal import SHARPNESS, Personal, blend
from app.engine.reader import Reader
from app.engine.replay import Replayed, replay
from app.engine.unipen import PenDigits, load_unipen, split_digits

SAVED = (1, 2, 3)


def saved_and_rest(
    digits: PenDigits, k: int, rng: np.random.Generator
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per writer with more than ``k`` of every digit: (saved, rest) index arrays."""
    out = []
    for writer in sorted(set(digits.writers.tolist())):
        mine = np.flatnonzero(digits.writers == writer)
        counts = np.bincount(digits.labels[mine], minlength=10)
        if counts.min() <= k:
            continue
        saved = np.concatenate(
            [rng.permutation(mine[digits.labels[mine] == d])[:k] for d in range(10)]
        )
        out.append((saved, np.setdiff1d(mine, saved)))
    return out


def accuracy(
    reader: Reader,
    replayed: Replayed,
    splits: list[tuple[np.ndarray, np.ndarray]],
    sharpness: float,
) -> tuple[float, float, int]:
    """(model alone, with the writer's saved drawings, digits read) over all writers."""
    X, y = replayed.images, replayed.labels
    p = reader.probabilities(X, replayed.paths)
    features = reader.features(X, replayed.paths)
    alone = personal = total = 0
    for saved, rest in splits:
        mine = Personal.of(features[saved], y[saved], split=reader.image_features)
        blended, _ = blend(p[rest], features[rest], mine, sharpness=sharpness)
        alone += int((p[rest].argmax(axis=1) == y[rest]).sum())
        personal += int((blended.argmax(axis=1) == y[rest]).sum())
        total += len(rest)
    return alone / total, personal / total, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=get_settings().model_dir / "default.npz")
    parser.add_argument("--writers", choices=("test", "validation"), default="test")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--draws", type=int, default=10)
    args = parser.parse_args()
    folder = get_settings().unipen_dir
    if folder is None:
        raise SystemExit("set DIGITPAD_UNIPEN_DIR to the folder of the UNIPEN file")
    digits = split_digits(load_unipen(folder))[args.writers]
    reader = Reader(checkpoint.load(args.model))
    pen = reader.card.preprocessing.pen_width
    replayed = replay(digits, np.random.default_rng(0), pen_width=pen)
    sharpnesses = [SHARPNESS]
    if args.tune:
        sharpnesses += [10.0, 20.0, 30.0, 40.0, 70.0, 100.0, 150.0]
    print(f"model {reader.version} ({len(reader.networks)} network(s)); UNIPEN {args.writers} "
          f"writers\n")  # fmt: skip
    print("| saved per digit | writers | digits read | model alone | with their drawings | "
          "lowest, highest draw |\n| ---: | ---: | ---: | ---: | ---: | ---: |")  # fmt: skip
    for k in SAVED:
        draws = [
            saved_and_rest(digits, k, np.random.default_rng([i, k])) for i in range(args.draws)
        ]
        for sharpness in dict.fromkeys(sharpnesses):
            runs = np.array([accuracy(reader, replayed, s, sharpness) for s in draws])
            alone, personal, total = runs.mean(axis=0)
            tuned = "" if sharpness == SHARPNESS else f" (κ {sharpness:g})"
            print(f"| {k}{tuned} | {len(draws[0])} | {total:,.0f} | {alone:.2%} | {personal:.2%} | "
                  f"{runs[:, 1].min():.2%}, {runs[:, 1].max():.2%} |")  # fmt: skip


if __name__ == "__main__":
    main()
