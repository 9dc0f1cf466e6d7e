"""The UNIPEN loader and the fixed split by writer."""

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from app.engine.errors import ChecksumMismatch, DataFormatError
from app.engine.unipen import (
    SPLITS,
    UNIPEN_FILE,
    PenDigits,
    load_unipen,
    split_digits,
    writer_split,
)

# SHA-256 of the sorted test writers, one per line: the split must never move silently,
# or figures measured before and after would be on different people.
TEST_WRITERS_SHA256 = "aa8118020f572b9ff0c61d5ac5d77b0895b46632451a984c6c58971ef212f57d"


@pytest.fixture(scope="module")
def unipen(unipen_dir: Path) -> PenDigits:
    return load_unipen(unipen_dir)


def test_reads_every_digit_with_its_writer_site_and_quality(unipen: PenDigits) -> None:
    assert len(unipen) == 15_953
    assert len(set(unipen.writers.tolist())) == 268
    assert len(set(unipen.sites.tolist())) == 17
    assert int(unipen.checked.sum()) == 7_274
    counts = np.bincount(unipen.labels, minlength=10)
    assert counts.min() == 1_518 and counts.max() == 1_748
    assert all(s.ndim == 2 and s.shape[1] == 2 and len(s) for d in unipen.strokes for s in d)
    assert (unipen.ids == np.arange(len(unipen))).all()


def test_the_split_is_by_writer_disjoint_and_covers_everyone(unipen: PenDigits) -> None:
    split = writer_split(unipen.writers, unipen.sites)
    assert set(split) == set(SPLITS)
    everyone = set(unipen.writers.tolist())
    assert set().union(*split.values()) == everyone
    assert sum(len(w) for w in split.values()) == len(everyone)
    parts = split_digits(unipen)
    assert sum(len(p) for p in parts.values()) == len(unipen)
    for name, part in parts.items():
        assert set(part.writers.tolist()) == split[name]
    # Stratified: every site of three writers or more is in all three parts.
    for site in set(unipen.sites.tolist()):
        writers = set(unipen.writers[unipen.sites == site].tolist())
        if len(writers) >= 3:
            assert all(writers & split[name] for name in SPLITS), site
    assert 0.6 < len(split["train"]) / len(everyone) < 0.75


def test_the_split_is_pinned(unipen: PenDigits) -> None:
    test = writer_split(unipen.writers, unipen.sites)["test"]
    digest = hashlib.sha256("\n".join(sorted(test)).encode()).hexdigest()
    assert digest == TEST_WRITERS_SHA256


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="expected the UNIPEN digits file"):
        load_unipen(tmp_path)
    line = b'{"label": 1, "writer": "a/b", "site": "a", "quality": "OK", "strokes": [[[0, 0]]]}'
    (tmp_path / UNIPEN_FILE).write_bytes(gzip.compress(line))
    with pytest.raises(ChecksumMismatch, match="expected SHA-256"):
        load_unipen(tmp_path)
