"""Wrong labels in UNIPEN: found by confident learning, counted, shown, and written out.

Every UNIPEN digit is read by a network that never saw its writer: the writers are dealt
into four folds, and for each fold a network is trained on MNIST plus the other folds'
digits (replayed onto the page's canvas) and reads the fold. A digit is a suspect when
another class reaches its typical confidence and is the likeliest such class
(`app.engine.label_noise`). Prints how many suspects there are among the labels the
collectors checked ("OK", where suspects are mostly the model's own mistakes: a measure
of false alarms) and among the unchecked ones ("?"), per site; writes a gallery of the
suspects (PNG) and the unchecked suspects' ids, the list training leaves out
(``digitpad train --unipen-label-issues``).

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist DIGITPAD_UNIPEN_DIR=../shared/data/unipen \
      .venv/bin/python bench/label_noise.py --out model/unipen-label-issues.json \
      --gallery label-issues.png
"""

import argparse
import json
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from app.config import get_settings
from app.engine.label_noise import (
    Suspects,
    confident_disagreements,
    cross_validated_probabilities,
    writer_folds,
)
from app.engine.mnist import to_inputs
from app.engine.replay import Distortion, replay
from app.engine.train import TrainConfig, train
from app.engine.unipen import PenDigits, load_unipen
from app.report.canvas import picture_grid, titled
from app.services.datasets import load_mnist_from_settings

FOLDS = 4
MNIST_PER_MODEL = 20_000  # MNIST images each fold's network trains on, beside UNIPEN
COPIES = 2  # replays of each training digit, distorted
CONFIG = TrainConfig(arch=(784, 256, 128, 10), epochs=10, validation_size=0)


def out_of_fold(digits: PenDigits, seed: int) -> npt.NDArray[np.float32]:
    """(n, 10) probabilities for every digit, each from a network not trained on its writer."""
    mnist = load_mnist_from_settings()
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(mnist.train.labels), MNIST_PER_MODEL, replace=False)
    X_mnist = to_inputs(mnist.train.images[picked])
    y_mnist = mnist.train.labels[picked].astype(np.int64)
    X_read = replay(digits, np.random.default_rng([seed, 1])).images

    def fit_predict(
        train_index: npt.NDArray[np.intp], predict_index: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.float32]:
        started = time.perf_counter()
        real = replay(digits.take(train_index), rng, copies=COPIES, distort=Distortion())
        X, y = real.images, real.labels
        result = train(CONFIG, np.concatenate([X_mnist, X]), np.concatenate([y_mnist, y]))
        print(
            f"  fold of {len(predict_index)} digits read ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
        return result.network.predict_proba(X_read[predict_index])

    folds = writer_folds(digits.writers, FOLDS, rng)
    return cross_validated_probabilities(len(digits), folds, fit_predict)


def report(digits: PenDigits, suspects: Suspects) -> str:
    """Counts of suspects among checked and unchecked labels, overall and per site."""
    checked = digits.checked[suspects.index]
    lines = [
        f"suspected wrong labels: {len(suspects.index)} of {len(digits)} digits",
        f"  among labels checked by the collectors (OK): {int(checked.sum())} of "
        f"{int(digits.checked.sum())} ({checked.sum() / digits.checked.sum():.2%}): "
        "mostly the model's own mistakes, a measure of false alarms",
        f"  among unchecked labels (?): {int((~checked).sum())} of {int((~digits.checked).sum())} "
        f"({(~checked).sum() / (~digits.checked).sum():.2%}): left out of training",
        "  per site (suspects / digits): "
        + ", ".join(
            f"{site} {n}/{int((digits.sites == site).sum())}"
            for site, n in sorted(Counter(digits.sites[suspects.index].tolist()).items())
        ),
        "  most common (given -> likely): "
        + ", ".join(
            f"{g}->{k} {n}"
            for (g, k), n in Counter(
                zip(suspects.given.tolist(), suspects.likely.tolist(), strict=True)
            ).most_common(8)
        ),
    ]
    return "\n".join(lines)


def gallery(digits: PenDigits, suspects: Suspects, limit: int = 150) -> npt.NDArray[np.uint8]:
    """The surest suspects as the network saw them, each captioned given > likely (confidence)."""
    shown = suspects.index[:limit]
    X = replay(digits.take(shown), np.random.default_rng(0)).images
    pictures = [(255 - image.reshape(28, 28) * 255).astype(np.uint8) for image in X]
    captions = [
        f"{g}>{k} {c:.0%}{'' if digits.checked[i] else '?'}"
        for i, g, k, c in zip(
            shown, suspects.given, suspects.likely, suspects.confidence, strict=False
        )
    ]
    grid = picture_grid(pictures, captions, columns=15, scale=2)
    return titled(
        grid,
        "UNIPEN labels a network that never saw the writer disputes",
        note="caption: given label > likely digit (its probability); ? = label not checked",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the unchecked suspects' ids here (JSON)")
    parser.add_argument("--gallery", type=Path, help="write the suspects' gallery here (PNG)")
    args = parser.parse_args()
    folder = get_settings().unipen_dir
    if folder is None:
        sys.exit("set DIGITPAD_UNIPEN_DIR to the folder of the UNIPEN file")
    digits = load_unipen(folder)
    probabilities = out_of_fold(digits, args.seed)
    suspects = confident_disagreements(probabilities, digits.labels)
    print(report(digits, suspects))
    if args.gallery:
        Image.fromarray(gallery(digits, suspects)).save(args.gallery)
        print(f"gallery: {args.gallery}")
    if args.out:
        unchecked = ~digits.checked[suspects.index]
        issues = {
            "about": "UNIPEN 1a digits whose unchecked label a network that never saw the "
            "writer confidently disputes; training leaves them out",
            "command": shlex.join(["python", *sys.argv]),
            "ids": digits.ids[suspects.index[unchecked]].tolist(),
            "given": suspects.given[unchecked].tolist(),
            "likely": suspects.likely[unchecked].tolist(),
        }
        args.out.write_text(json.dumps(issues, indent=1) + "\n")
        print(f"wrote {len(issues['ids'])} ids to {args.out}")


if __name__ == "__main__":
    main()
