"""The IDX file format, in which the MNIST files are stored.

An IDX file is a header followed by the items, everything big-endian:

    bytes 0-1    magic: two zero bytes
    byte  2      type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                 0x0D float32, 0x0E float64
    byte  3      d, the number of dimensions (at least 1)
    then         d sizes, each a uint32
    then         the items in row-major (C) order: prod(sizes) * itemsize bytes

Files may be gzip-compressed; that is recognised by the gzip magic bytes (1f 8b), not
by the file name. Reference: the bottom of http://yann.lecun.com/exdb/mnist/.
"""

import gzip
import math
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.engine.errors import DataFormatError

_GZIP_MAGIC = b"\x1f\x8b"
_MAGIC = b"\x00\x00"

# IDX type code -> NumPy type without byte order ("u1" = uint8, "f4" = float32, ...).
_TYPES: dict[int, str] = {0x08: "u1", 0x09: "i1", 0x0B: "i2", 0x0C: "i4", 0x0D: "f4", 0x0E: "f8"}
_CODES: dict[str, int] = {numpy_type: code for code, numpy_type in _TYPES.items()}
_TYPE_NAMES = ", ".join(f"0x{code:02X} {np.dtype(t).name}" for code, t in _TYPES.items())


def parse_idx(data: bytes, name: str) -> npt.NDArray[Any]:
    """The array stored in the (uncompressed) IDX bytes ``data``.

    ``name`` (a path or URL) is only used in error messages. Returns a new, writable
    array in native byte order, with the header's shape and dtype (uint8, int8, int16,
    int32, float32 or float64). Raises DataFormatError when the header is short or
    invalid, or when the data is shorter or longer than the header says.
    """
    if len(data) < 4:
        raise DataFormatError(
            f"{name}: too short for an IDX header: expected at least 4 bytes, got {len(data)}"
        )
    if data[:2] != _MAGIC:
        raise DataFormatError(
            f"{name}: not an IDX file: expected magic bytes 00 00, got {data[:2].hex(' ')}"
        )
    type_code, ndim = data[2], data[3]
    if type_code not in _TYPES:
        raise DataFormatError(
            f"{name}: unknown IDX type code: expected one of {_TYPE_NAMES}, got 0x{type_code:02X}"
        )
    if ndim == 0:
        raise DataFormatError(f"{name}: expected at least 1 dimension in the IDX header, got 0")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise DataFormatError(
            f"{name}: truncated IDX header: expected {header_size} bytes for {ndim} "
            f"dimensions, got {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = np.dtype(">" + _TYPES[type_code])
    count = math.prod(shape)
    expected_size = header_size + count * dtype.itemsize
    if len(data) != expected_size:
        problem = "truncated data" if len(data) < expected_size else "extra bytes after the data"
        raise DataFormatError(
            f"{name}: {problem}: expected {expected_size} bytes for {dtype.name} items of "
            f"shape {shape}, got {len(data)}"
        )
    items = np.frombuffer(data, dtype=dtype, count=count, offset=header_size)
    return items.reshape(shape).astype(dtype.newbyteorder("="))


def gunzip_if_compressed(data: bytes, name: str) -> bytes:
    """``data`` decompressed when it starts with the gzip magic bytes, else unchanged.

    Raises DataFormatError naming ``name`` when the gzip stream is corrupt or truncated.
    """
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataFormatError(
            f"{name}: corrupt or truncated gzip data: expected a complete gzip stream, "
            f"got an error while decompressing ({exc})"
        ) from exc


def read_idx(path: Path) -> npt.NDArray[Any]:
    """The array stored in the IDX file at ``path``, gzip-compressed or not.

    See ``parse_idx`` for what is returned and raised.
    """
    return parse_idx(gunzip_if_compressed(path.read_bytes(), str(path)), str(path))


def idx_header(dtype: np.dtype[Any], shape: tuple[int, ...]) -> bytes:
    """The IDX header (magic, type code, sizes) of an array of ``dtype`` and ``shape``.

    The dtype must be uint8, int8, int16, int32, float32 or float64 (any byte order) and
    the shape have at least 1 dimension; otherwise raises DataFormatError.
    """
    numpy_type = f"{dtype.kind}{dtype.itemsize}"
    if numpy_type not in _CODES:
        raise DataFormatError(
            f"cannot store the array as IDX: expected a dtype of {_TYPE_NAMES}, got {dtype}"
        )
    if not shape:
        raise DataFormatError("cannot store the array as IDX: expected at least 1 dimension, got 0")
    return bytes([0, 0, _CODES[numpy_type], len(shape)]) + struct.pack(f">{len(shape)}I", *shape)
