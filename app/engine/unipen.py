"""UNIPEN 1a: real pen-drawn digits as strokes, read from one JSON-lines file.

The file (``unipen-1a-digits.jsonl.gz``, 15,953 digits by 268 writers at 17 sites) holds
one digit a line: ``{"label", "writer", "site", "quality", "strokes"}``, strokes in
writing order, points ``[x, y]`` in each site's tablet units, y down. Its SHA-256 is
checked on reading, so every copy gives the same digits in the same order; a digit's
index in the file is its id.

Writers, not samples, are split into train, validation and test (`writer_split`): a
writer's digits all land on one side, so the test figures are for people the model never
saw. The split is fixed here in code, stratified by site.

UNIPEN is by I. Guyon, L. Schomaker, R. Plamondon, M. Liberman and S. Janet (UNIPEN
project of on-line data exchange and recognizer benchmarks, ICPR 1994), released under
CC BY 4.0 (doi:10.5281/zenodo.1195803): a model trained on it credits it in its card.
"""

import gzip
import hashlib
import json
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from app.engine.errors import ChecksumMismatch, DataFormatError

UNIPEN_FILE = "unipen-1a-digits.jsonl.gz"
UNIPEN_SHA256 = "2d9157199aa59cba7df0c2ba1b1d8c042d65302d6e1663ecdcc1ea49425f7d19"
CREDIT = (
    "UNIPEN 1a (train_r01_v07), I. Guyon, L. Schomaker, R. Plamondon, M. Liberman and "
    "S. Janet, ICPR 1994; CC BY 4.0, doi:10.5281/zenodo.1195803"
)
SPLITS = ("train", "validation", "test")
SPLIT_SHARES = {"validation": 0.15, "test": 0.15}  # of each site's writers; the rest train

Stroke = npt.NDArray[np.float64]  # (k, 2) float64 points (x, y), y down


@dataclass(frozen=True, eq=False)
class PenDigits:
    """Digits written with a pen, strokes in writing order; index i is digit i."""

    labels: npt.NDArray[np.int64]  # (n,) in 0..9
    writers: npt.NDArray[np.str_]  # (n,) writer id, unique across sites ("apb/xyz")
    sites: npt.NDArray[np.str_]  # (n,) the site that recorded it
    checked: npt.NDArray[np.bool_]  # (n,) True where the collectors checked the label ("OK")
    strokes: tuple[tuple[Stroke, ...], ...]  # n drawings, each one or more strokes
    ids: npt.NDArray[np.int64]  # (n,) line number in the file

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, mask_or_index: npt.NDArray[np.bool_] | npt.NDArray[np.integer]) -> "PenDigits":
        """The digits selected by a boolean mask (n,) or an index array, in that order."""
        index = np.flatnonzero(mask_or_index) if mask_or_index.dtype == bool else mask_or_index
        return PenDigits(
            labels=self.labels[index],
            writers=self.writers[index],
            sites=self.sites[index],
            checked=self.checked[index],
            strokes=tuple(self.strokes[i] for i in index),
            ids=self.ids[index],
        )

    def of_writers(self, writers: Collection[str]) -> "PenDigits":
        """The digits of the given writers, in file order."""
        return self.take(np.isin(self.writers, list(writers)))


def load_unipen(folder: Path) -> PenDigits:
    """Read ``folder / UNIPEN_FILE``, checking its SHA-256 and every line's fields.

    Raises DataFormatError if the file is missing or a line is malformed, and
    ChecksumMismatch if its content is not the expected release.
    """
    path = folder / UNIPEN_FILE
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataFormatError(f"{path}: expected the UNIPEN digits file, got {e}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != UNIPEN_SHA256:
        raise ChecksumMismatch(
            f"{path}: expected SHA-256 {UNIPEN_SHA256[:12]}…, got {digest[:12]}…"
        )
    labels, writers, sites, checked, strokes = [], [], [], [], []
    for number, line in enumerate(gzip.decompress(raw).decode().splitlines()):
        try:
            row = json.loads(line)
            drawing = tuple(np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in row["strokes"])
            label = int(row["label"])
            writers.append(str(row["writer"]))
            sites.append(str(row["site"]))
            checked.append(row["quality"] == "OK")
        except (ValueError, KeyError, TypeError) as e:
            raise DataFormatError(f"{path}, line {number + 1}: expected a digit, got {e}") from None
        if not 0 <= label <= 9 or not drawing or not all(len(s) for s in drawing):
            raise DataFormatError(f"{path}, line {number + 1}: expected a label 0-9 and strokes")
        labels.append(label)
        strokes.append(drawing)
    return PenDigits(
        labels=np.array(labels, dtype=np.int64),
        writers=np.array(writers),
        sites=np.array(sites),
        checked=np.array(checked),
        strokes=tuple(strokes),
        ids=np.arange(len(labels), dtype=np.int64),
    )


def writer_split(
    writers: npt.NDArray[np.str_], sites: npt.NDArray[np.str_]
) -> dict[str, frozenset[str]]:
    """The fixed split of writers into ``SPLITS``, stratified by site.

    Within each site, its writers (sorted) are shuffled by a generator seeded with the
    site's CRC-32, then the first ``round(0.15 n)`` go to test and the next
    ``round(0.15 n)`` to validation, at least one each for a site of three writers or
    more (a site of two gives one to test); the rest train. Returns writer sets that are
    disjoint and together hold every writer.
    """
    split: dict[str, set[str]] = {name: set() for name in SPLITS}
    for site in sorted(set(sites.tolist())):
        names = sorted(set(writers[sites == site].tolist()))
        rng = np.random.default_rng(zlib.crc32(site.encode()))
        names = [names[i] for i in rng.permutation(len(names))]
        n = len(names)
        n_test = max(round(SPLIT_SHARES["test"] * n), 1 if n >= 2 else 0)
        n_val = max(round(SPLIT_SHARES["validation"] * n), 1 if n >= 3 else 0)
        split["test"].update(names[:n_test])
        split["validation"].update(names[n_test : n_test + n_val])
        split["train"].update(names[n_test + n_val :])
    return {name: frozenset(members) for name, members in split.items()}


def split_digits(digits: PenDigits) -> dict[str, PenDigits]:
    """``digits`` divided by `writer_split` into train, validation and test."""
    return {
        name: digits.of_writers(w) for name, w in writer_split(digits.writers, digits.sites).items()
    }
