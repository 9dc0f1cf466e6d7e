"""Tests of the IDX reader and writer, on small arrays made here."""

import gzip
import os
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from app.engine.errors import DataFormatError
from app.engine.idx import parse_idx, read_idx
from tests.idx_files import encode_idx, write_idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]
SHAPES = [(7,), (3, 4), (5, 28, 28), (2, 1, 3, 2), (0, 28, 28)]


def random_array(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """An array of ``shape`` filled with values spanning ``dtype``'s range."""
    rng = np.random.default_rng(0)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    return (rng.standard_normal(size=shape) * 1e6).astype(dtype)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_write_then_read_gives_the_same_array(
    tmp_path: Path, dtype: str, shape: tuple[int, ...], compress: bool
) -> None:
    array = random_array(dtype, shape)
    path = tmp_path / "array.idx"
    write_idx(path, array, compress=compress)

    assert path.read_bytes().startswith(b"\x1f\x8b") == compress
    loaded = read_idx(path)
    assert loaded.dtype == np.dtype(dtype)
    assert loaded.dtype.isnative
    assert loaded.flags.writeable
    np.testing.assert_array_equal(loaded, array)


def test_encode_writes_the_documented_layout() -> None:
    array = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int16)
    expected = (
        b"\x00\x00\x0b\x02"  # magic, int16, 2 dimensions
        + b"\x00\x00\x00\x02\x00\x00\x00\x03"  # sizes 2 and 3
        + struct.pack(">6h", 1, 2, 3, 4, 5, 6)  # items, big-endian, row-major
    )
    assert encode_idx(array) == expected


def test_parse_reads_big_endian_items() -> None:
    data = b"\x00\x00\x0c\x01\x00\x00\x00\x02" + b"\x00\x00\x01\x02" + b"\xff\xff\xff\xfe"
    np.testing.assert_array_equal(parse_idx(data, "x"), np.array([258, -2], dtype=np.int32))


def test_encode_accepts_any_byte_order_and_memory_layout() -> None:
    array = np.arange(12, dtype="<i4").reshape(3, 4)
    for variant in (array.T, array.astype(">i4"), array[:, ::2]):
        np.testing.assert_array_equal(parse_idx(encode_idx(variant), "x"), variant)


@pytest.mark.parametrize(
    "array, expected",
    [
        (np.zeros(3, dtype=np.int64), "got int64"),
        (np.zeros(3, dtype=np.float16), "got float16"),
        (np.zeros(3, dtype=bool), "got bool"),
        (np.array(5, dtype=np.uint8), "expected at least 1 dimension, got 0"),
    ],
)
def test_encode_rejects_what_idx_cannot_hold(array: np.ndarray, expected: str) -> None:
    with pytest.raises(DataFormatError, match=expected):
        encode_idx(array)


VALID = encode_idx(np.arange(6, dtype=np.uint8).reshape(2, 3))  # 4 + 8 header bytes + 6 items


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\x00\x00\x08", "too short for an IDX header: expected at least 4 bytes, got 3"),
        (b"\x1f\x00" + VALID[2:], "expected magic bytes 00 00, got 1f 00"),
        (VALID[:2] + b"\x07" + VALID[3:], "expected one of 0x08 uint8, .*, got 0x07"),
        (b"\x00\x00\x08\x00", "expected at least 1 dimension in the IDX header, got 0"),
        (VALID[:9], "truncated IDX header: expected 12 bytes for 2 dimensions, got 9"),
        (
            VALID[:-1],
            r"truncated data: expected 18 bytes for uint8 items of shape \(2, 3\), got 17",
        ),
        (VALID + b"\x00", "extra bytes after the data: expected 18 bytes .*, got 19"),
        (VALID[:2] + b"\x0e" + VALID[3:], "expected 60 bytes for float64 items .*, got 18"),
    ],
    ids=[
        "short",
        "magic",
        "type",
        "no-dimensions",
        "short-sizes",
        "truncated",
        "trailing",
        "wider-type",
    ],
)
def test_parse_errors_name_the_file_and_the_numbers(data: bytes, expected: str) -> None:
    with pytest.raises(DataFormatError, match=f"^where/labels.idx: .*{expected}"):
        parse_idx(data, "where/labels.idx")


def test_parse_of_valid_bytes_gives_the_array() -> None:
    np.testing.assert_array_equal(parse_idx(VALID, "x"), [[0, 1, 2], [3, 4, 5]])


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    compressed, raw = tmp_path / "compressed.idx", tmp_path / "raw.gz"
    compressed.write_bytes(gzip.compress(VALID))
    raw.write_bytes(VALID)
    np.testing.assert_array_equal(read_idx(compressed), read_idx(raw))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated stream
        lambda data: data[:10] + bytes(b ^ 0xFF for b in data[10:]),  # corrupt deflate data
        lambda data: data[:-8] + b"\x00" * 8,  # wrong CRC and length
    ],
    ids=["truncated", "corrupt", "bad-crc"],
)
def test_damaged_gzip_gives_a_data_format_error(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "images.idx.gz"
    data = gzip.compress(encode_idx(random_array("uint8", (5, 28, 28))))
    path.write_bytes(damage(data))
    with pytest.raises(DataFormatError, match=f"^{path}: corrupt or truncated gzip data"):
        read_idx(path)


def test_write_replaces_a_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.idx"
    write_idx(path, np.zeros(3, dtype=np.uint8), compress=False)
    write_idx(path, np.ones(4, dtype=np.uint8), compress=True)
    np.testing.assert_array_equal(read_idx(path), np.ones(4, dtype=np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["labels.idx"]


def test_failed_write_keeps_the_old_file_and_removes_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.idx"
    write_idx(path, np.zeros(3, dtype=np.uint8), compress=False)
    before = path.read_bytes()

    def fail(source: str, target: Path) -> None:
        assert Path(source).parent == tmp_path  # the temporary file is beside the target
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_idx(path, np.ones(3, dtype=np.uint8), compress=False)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["labels.idx"]
