"""Where MNIST comes from: a local folder, the download cache, or a verified download.

MNIST is four IDX files (see ``idx.py``). Whatever the source, the decompressed content
of each file must have the SHA-256 in ``MNIST_SHA256``, so every source gives the same
arrays. Sources, in order:

1. ``mnist_dir``, when given, is the only source: each file as NAME or NAME.gz.
2. Otherwise ``cache_dir / "mnist"``, holding the files an earlier download left there.
3. Files missing from the cache are downloaded from the first mirror that serves them
   (base URL + NAME.gz), verified, and written into the cache.
"""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt

from app.engine.errors import ChecksumMismatch, DataFormatError, DownloadError
from app.engine.files import write_bytes_atomic
from app.engine.idx import gunzip_if_compressed, parse_idx

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
MNIST_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# SHA-256 of each file's decompressed content: the canonical MNIST files.
MNIST_SHA256: Mapping[str, str] = MappingProxyType(
    {
        TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    }
)

# progress(file_name, bytes_received_so_far, total_bytes_or_None), where file_name is the
# downloaded NAME.gz; the count starts again from 0 when the next mirror is tried.
DownloadProgress = Callable[[str, int, int | None], None]

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)  # seconds; "read" is the wait for each chunk
_IMAGE_SHAPE = (28, 28)


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays with == gives no single bool
class Split:
    """The images of one split and their labels."""

    images: npt.NDArray[np.uint8]  # (n, 28, 28) uint8, 0 = background, 255 = ink
    labels: npt.NDArray[np.uint8]  # (n,) uint8 in 0..9, the digit in each image


@dataclass(frozen=True, eq=False)
class Mnist:
    """MNIST: 60,000 training and 10,000 test images (fewer in tests' small copies)."""

    train: Split
    test: Split


def load_mnist(
    *,
    mnist_dir: Path | None,
    cache_dir: Path,
    mirrors: Sequence[str],
    digests: Mapping[str, str] = MNIST_SHA256,
    progress: DownloadProgress | None = None,
) -> Mnist:
    """MNIST from ``mnist_dir`` when given, else from the cache, downloading what is missing.

    ``digests`` maps each file name to the SHA-256 of its decompressed content; every
    file is checked against it, from whichever source. Downloads are cached in
    ``cache_dir / "mnist"``. Raises DataFormatError for a missing or malformed file,
    ChecksumMismatch (a DataFormatError) for a file with another digest, and
    DownloadError when every mirror failed for a file.
    """
    if mnist_dir is not None:
        folder = mnist_dir
        arrays = _load_folder(folder, digests)
    else:
        folder = cache_dir / "mnist"
        arrays = _load_cache_or_download(folder, mirrors, digests, progress)
    return Mnist(
        train=_split(arrays, TRAIN_IMAGES, TRAIN_LABELS, folder),
        test=_split(arrays, TEST_IMAGES, TEST_LABELS, folder),
    )


def _load_folder(folder: Path, digests: Mapping[str, str]) -> dict[str, npt.NDArray[Any]]:
    """The four files of a folder given by the user, each as NAME or NAME.gz."""
    paths = {name: _find(folder, name) for name in MNIST_FILES}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise DataFormatError(
            f"{folder}: expected the MNIST files {', '.join(missing)} (each as NAME or "
            f"NAME.gz), got only: {', '.join(found) or 'nothing'}"
        )
    return {
        name: _read_verified(path, digests[name], hint="")
        for name, path in paths.items()
        if path is not None
    }


def _load_cache_or_download(
    folder: Path,
    mirrors: Sequence[str],
    digests: Mapping[str, str],
    progress: DownloadProgress | None,
) -> dict[str, npt.NDArray[Any]]:
    """The four files from the cache ``folder``; those not in it are downloaded there."""
    hint = "; delete the file to download it again"
    paths = {name: _find(folder, name) for name in MNIST_FILES}
    arrays = {
        name: _read_verified(path, digests[name], hint)
        for name, path in paths.items()
        if path is not None
    }
    missing = [name for name in MNIST_FILES if name not in arrays]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        with httpx.Client(timeout=_TIMEOUT, follow_redirects=True) as client:
            for name in missing:
                data = _download(client, name, mirrors, digests[name], progress)
                write_bytes_atomic(folder / name, data)
                arrays[name] = parse_idx(data, str(folder / name))
    return arrays


def _find(folder: Path, name: str) -> Path | None:
    """``folder / name``, else ``folder / (name + ".gz")``, else None when neither is a file."""
    for path in (folder / name, folder / f"{name}.gz"):
        if path.is_file():
            return path
    return None


def _read_verified(path: Path, digest: str, hint: str) -> npt.NDArray[Any]:
    """The array in the IDX file ``path`` (gzip or raw), once its digest is checked."""
    data = gunzip_if_compressed(path.read_bytes(), str(path))
    _verify(data, digest, str(path), hint)
    return parse_idx(data, str(path))


def _verify(data: bytes, digest: str, name: str, hint: str) -> None:
    """Raise ChecksumMismatch unless the SHA-256 of ``data`` is ``digest``."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise ChecksumMismatch(
            f"{name}: expected SHA-256 {digest} of the decompressed content, got {actual}{hint}"
        )


def _download(
    client: httpx.Client,
    name: str,
    mirrors: Sequence[str],
    digest: str,
    progress: DownloadProgress | None,
) -> bytes:
    """The verified, decompressed content of the file ``name``, from the first mirror
    that serves it; raises DownloadError listing every mirror's failure."""
    failures: list[str] = []
    for base in mirrors:
        url = f"{base.rstrip('/')}/{name}.gz"
        try:
            data = gunzip_if_compressed(_fetch(client, url, f"{name}.gz", progress), url)
            _verify(data, digest, url, hint="")
            return data
        except httpx.HTTPStatusError as exc:
            failures.append(f"{url}: HTTP {exc.response.status_code} {exc.response.reason_phrase}")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
        except DataFormatError as exc:  # bad gzip or wrong digest; the message names the URL
            failures.append(str(exc))
    if not failures:
        raise DownloadError(f"{name}: expected at least one mirror URL to download it, got none")
    raise DownloadError(
        f"{name}: expected a verified download from one of {len(failures)} mirrors, "
        "got a failure from each:\n" + "\n".join(f"  {failure}" for failure in failures)
    )


def _fetch(
    client: httpx.Client, url: str, file_name: str, progress: DownloadProgress | None
) -> bytes:
    """The body served at ``url``, streamed, reporting progress as ``file_name``."""
    chunks: list[bytes] = []
    with client.stream("GET", url) as response:
        response.raise_for_status()
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        if progress is not None:
            progress(file_name, 0, total)
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if progress is not None:
                # Bytes as received (before any Content-Encoding), to match Content-Length.
                progress(file_name, response.num_bytes_downloaded, total)
    return b"".join(chunks)


def _split(
    arrays: Mapping[str, npt.NDArray[Any]], images_name: str, labels_name: str, folder: Path
) -> Split:
    """The split made of two loaded files, checked: (n, 28, 28) uint8 images, n >= 1,
    and n uint8 labels in 0..9."""
    images, labels = arrays[images_name], arrays[labels_name]
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != _IMAGE_SHAPE:
        raise DataFormatError(
            f"{folder / images_name}: expected uint8 images of shape (n, 28, 28), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if len(images) == 0:
        raise DataFormatError(f"{folder / images_name}: expected at least 1 image, got 0")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DataFormatError(
            f"{folder / labels_name}: expected uint8 labels of shape (n,), "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    if len(labels) != len(images):
        raise DataFormatError(
            f"{folder / labels_name}: expected one label per image of {images_name} "
            f"({len(images)}), got {len(labels)}"
        )
    if labels.max() > 9:
        raise DataFormatError(
            f"{folder / labels_name}: expected labels in 0..9, "
            f"got {np.count_nonzero(labels > 9)} above 9 (largest {labels.max()})"
        )
    return Split(images=images, labels=labels)


def to_inputs(images: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Images (n, 28, 28) uint8 0..255 → network inputs (n, 784) float32 in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
