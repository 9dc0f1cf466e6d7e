"""Writing IDX files, for tests that need MNIST-like files (the app only reads them)."""

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.engine.files import write_bytes_atomic
from app.engine.idx import idx_header


def encode_idx(array: npt.NDArray[Any]) -> bytes:
    """The IDX bytes (uncompressed) of ``array``: see ``idx_header`` for what it accepts."""
    header = idx_header(array.dtype, array.shape)
    items = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder(">"))
    return header + items.tobytes()


def write_idx(path: Path, array: npt.NDArray[Any], *, compress: bool) -> None:
    """Write ``array`` to ``path`` as an IDX file, gzip-compressed when ``compress``.

    The write is atomic (see ``write_bytes_atomic``). Raises DataFormatError for an
    array IDX cannot hold (see ``encode_idx``).
    """
    data = encode_idx(array)
    if compress:
        data = gzip.compress(data, mtime=0)  # mtime=0: the same array gives the same bytes
    write_bytes_atomic(path, data)
