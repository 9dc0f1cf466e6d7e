"""Reading numbers: how often a drawing of a number is split into the right digits.

Numbers are written from UNIPEN's test writers' digits (validation writers with
``--writers validation``, where the splitting's prices were chosen): one writer per
number, 1 to 6 digits drawn at random among theirs, set left to right on a canvas 280
high and as wide as the number needs, each digit's size and baseline varied a little,
the spacing between neighbours uniform from a slight overlap (-0.05 of the writing
height) to 0.4 of it (`app.engine.number_replay`). Each is read as ``POST
/predict/number`` reads it (`Reader.read_number`). Printed: the share of numbers read
exactly, the share given the right count of digits, and among those, the share of
digits read right; by length and by spacing.

(The file is not called numbers.py: a script of that name would shadow Python's own
``numbers`` module.)

Run:  DIGITPAD_UNIPEN_DIR=../shared/data/unipen .venv/bin/python bench/read_numbers.py \\
      [--model M] [--writers test|validation] [--per-length 300] [--seed 0]
"""

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from app.config import get_settings
from app.engine import checkpoint
from app.engine.number_replay import write_number
from app.engine.reader import Limits, Reader
from app.engine.unipen import PenDigits, load_unipen, split_digits

LENGTHS = range(1, 7)
SPACINGS = [(-0.05, 0.0, "overlapping"), (0.0, 0.1, "touching to 0.1"),
            (0.1, 0.25, "0.1 to 0.25"), (0.25, 0.4, "0.25 to 0.4")]  # fmt: skip
LIMITS = Limits(max_strokes=200, max_points=100_000)


def numbers_of(digits: PenDigits, per_length: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``per_length`` numbers of each length, each a few digits (indices) of one writer."""
    writers = sorted(set(digits.writers.tolist()))
    out = []
    for n in LENGTHS:
        for _ in range(per_length):
            mine = np.flatnonzero(digits.writers == writers[rng.integers(len(writers))])
            out.append(rng.choice(mine, size=n, replace=len(mine) < n))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=get_settings().model_dir / "default.npz")
    parser.add_argument("--writers", choices=("test", "validation"), default="test")
    parser.add_argument("--per-length", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = get_settings().unipen_dir
    if folder is None:
        raise SystemExit("set DIGITPAD_UNIPEN_DIR to the folder of the UNIPEN file")
    digits = split_digits(load_unipen(folder))[args.writers]
    reader = Reader(checkpoint.load(args.model))
    rng = np.random.default_rng(args.seed)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # n, exact, count, ok, of
    for chosen in numbers_of(digits, args.per_length, rng):
        written = write_number([digits.strokes[i] for i in chosen], rng)
        truth = "".join(str(digits.labels[i]) for i in chosen)
        strokes = [s.tolist() for s in written.strokes]
        read = reader.read_number(strokes, written.width, 280, LIMITS).number
        keys = ["all", f"{len(truth)} digit{'s' if len(truth) > 1 else ''}"]
        keys += [
            name for low, high, name in SPACINGS if any(low <= s < high for s in written.spacings)
        ]
        for key in keys:
            t = tally[key]
            t[0] += 1
            t[1] += read == truth
            if len(read) == len(truth):
                t[2] += 1
                t[3] += sum(a == b for a, b in zip(read, truth, strict=True))
                t[4] += len(truth)
    print(f"model {reader.version}; UNIPEN {args.writers} writers; {args.per_length} numbers of "
          f"each length 1 to 6, seed {args.seed}\n")  # fmt: skip
    print("| numbers | count | exact number | right count of digits | digits right (right count) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    order = ["all"] + [k for k in tally if "digit" in k] + [s[2] for s in SPACINGS]
    for key in [k for k in order if k in tally]:
        n, exact, count, ok, of = tally[key]
        print(f"| {key} | {n:,} | {exact / n:.2%} | {count / n:.2%} | {ok / max(of, 1):.2%} |")
    print("\n(a number counts under each spacing found between two of its digits)")


if __name__ == "__main__":
    main()
