"""The contributed dataset in MNIST's shapes, as a file to download.

Two formats, each a zip of two members (images (n, 28, 28) uint8 with 255 = ink, and
labels (n,) uint8):

- ``npz``: ``images.npy`` and ``labels.npy``; ``np.load`` reads it as it is.
- ``idx``: ``digitpad-images-idx3-ubyte`` and ``digitpad-labels-idx1-ubyte``, the format
  of the MNIST files, readable by any MNIST loader.

Samples are read (from the store, in batches) into spooled temporary files (memory up to a
few MB, disk beyond), so an export of any size keeps the server's memory bounded.
"""

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from typing import IO, Any

import numpy as np

from app.engine.idx import idx_header
from app.store import Sample

CHUNK = 64 * 1024
SPOOL = 4 * 1024 * 1024  # bytes kept in memory before a temporary file spills to disk


def _npy_header(dtype: np.dtype[Any], shape: tuple[int, ...]) -> bytes:
    out = BytesIO()
    np.lib.format.write_array_header_1_0(
        out, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    )
    return out.getvalue()


Header = Callable[[np.dtype[Any], tuple[int, ...]], bytes]
FORMATS: dict[str, tuple[Header, str, str, str]] = {
    # format: (header, images member, labels member, file name)
    "npz": (_npy_header, "images.npy", "labels.npy", "digitpad-samples.npz"),
    "idx": (
        idx_header,
        "digitpad-images-idx3-ubyte",
        "digitpad-labels-idx1-ubyte",
        "digitpad-samples-idx.zip",
    ),
}


def build_export(samples: Iterable[Sample], fmt: str) -> IO[bytes]:
    """A rewound temporary file holding ``samples`` in format ``fmt`` (see FORMATS)."""
    header, images_name, labels_name, _ = FORMATS[fmt]
    u1 = np.dtype(np.uint8)
    with (
        tempfile.SpooledTemporaryFile(SPOOL) as images,
        tempfile.SpooledTemporaryFile(SPOOL) as labels,
    ):
        n = 0
        for sample in samples:
            images.write(np.ascontiguousarray(sample.pixels, dtype=np.uint8).tobytes())
            labels.write(bytes([sample.label]))
            n += 1
        out = tempfile.SpooledTemporaryFile(SPOOL)  # noqa: SIM115 (returned open, closed by chunks)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, body, shape in (
                (images_name, images, (n, 28, 28)),
                (labels_name, labels, (n,)),
            ):
                body.seek(0)
                with archive.open(name, "w", force_zip64=True) as member:
                    member.write(header(u1, shape))
                    shutil.copyfileobj(body, member, CHUNK)
    out.seek(0)
    return out


def chunks(file: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in CHUNK-sized pieces, closing it at the end."""
    with file:
        while piece := file.read(CHUNK):
            yield piece
