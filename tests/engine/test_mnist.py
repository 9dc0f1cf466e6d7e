"""Tests of the MNIST sources: a local folder, the cache, and downloads from a local server.

Downloads go to a real HTTP server on 127.0.0.1 started by the ``server`` fixture, never
to the internet; it serves small MNIST-like files made here, whose digests the tests pass.
"""

import gzip
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.engine.errors import ChecksumMismatch, DataFormatError, DownloadError
from app.engine.mnist import (
    MNIST_FILES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DownloadProgress,
    Mnist,
    load_mnist,
)
from tests.engine.http_server import Route, Server, closed_port_url, serve
from tests.idx_files import encode_idx


def make_arrays(n_train: int = 200, n_test: int = 20, seed: int = 0) -> dict[str, np.ndarray]:
    """Random MNIST-like arrays by file name: (n, 28, 28) uint8 images, (n,) labels 0..9."""
    rng = np.random.default_rng(seed)
    images = {n: rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8) for n in (n_train, n_test)}
    labels = {n: rng.integers(0, 10, size=n, dtype=np.uint8) for n in (n_train, n_test)}
    return {
        TRAIN_IMAGES: images[n_train],
        TRAIN_LABELS: labels[n_train],
        TEST_IMAGES: images[n_test],
        TEST_LABELS: labels[n_test],
    }


ARRAYS = make_arrays()
RAW = {name: encode_idx(array) for name, array in ARRAYS.items()}  # uncompressed IDX bytes
GZIPPED = {name: gzip.compress(data) for name, data in RAW.items()}
DIGESTS = {name: hashlib.sha256(data).hexdigest() for name, data in RAW.items()}


def assert_is_small_mnist(mnist: Mnist) -> None:
    for split, images, labels in (
        (mnist.train, TRAIN_IMAGES, TRAIN_LABELS),
        (mnist.test, TEST_IMAGES, TEST_LABELS),
    ):
        np.testing.assert_array_equal(split.images, ARRAYS[images])
        np.testing.assert_array_equal(split.labels, ARRAYS[labels])
        assert split.images.dtype == np.uint8
        assert split.labels.dtype == np.uint8


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as state:
        yield state


def download(
    cache_dir: Path, mirrors: list[str], progress: DownloadProgress | None = None
) -> Mnist:
    """MNIST from the cache below ``cache_dir`` or ``mirrors``, with the test digests."""
    return load_mnist(
        mnist_dir=None, cache_dir=cache_dir, mirrors=mirrors, digests=DIGESTS, progress=progress
    )


def test_download_fills_the_cache_and_reports_progress(server: Server, tmp_path: Path) -> None:
    url = server.mirror("good", GZIPPED)
    calls: list[tuple[str, int, int | None]] = []

    mnist = download(tmp_path, [url], progress=lambda *call: calls.append(call))

    assert_is_small_mnist(mnist)
    cache = tmp_path / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(MNIST_FILES)
    for name in MNIST_FILES:
        assert (cache / name).read_bytes() == RAW[name]  # stored decompressed
        size = len(GZIPPED[name])
        received = [count for file, count, _ in calls if file == f"{name}.gz"]
        assert received[0] == 0
        assert received[-1] == size
        assert received == sorted(received)
        assert {total for file, _, total in calls if file == f"{name}.gz"} == {size}
    # The ~157 kB training images arrive in several chunks, each reported.
    assert len({c for file, c, _ in calls if file == f"{TRAIN_IMAGES}.gz"}) >= 3


def test_second_load_reads_the_cache_without_requests(server: Server, tmp_path: Path) -> None:
    url = server.mirror("good", GZIPPED)
    download(tmp_path, [url])
    assert len(server.requests) == 4

    assert_is_small_mnist(download(tmp_path, [url]))
    assert len(server.requests) == 4


def test_only_files_missing_from_the_cache_are_downloaded(server: Server, tmp_path: Path) -> None:
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / f"{TEST_LABELS}.gz").write_bytes(GZIPPED[TEST_LABELS])
    url = server.mirror("good", GZIPPED)

    assert_is_small_mnist(download(tmp_path, [url]))
    assert sorted(server.requests) == sorted(f"/good/{n}.gz" for n in MNIST_FILES[:3])


@pytest.mark.parametrize(
    "bad_body",
    [
        {},  # nothing served: 404
        {name: body[: len(body) // 2] for name, body in GZIPPED.items()},  # truncated gzip
        {name: b"<html>oops</html>" for name in GZIPPED},  # not gzip at all: wrong digest
        # Other random arrays: valid gzip IDX files, wrong digests.
        {name: gzip.compress(encode_idx(a)) for name, a in make_arrays(seed=1).items()},
    ],
    ids=["404", "bad-gzip", "html", "wrong-digest"],
)
def test_a_failing_mirror_falls_through_to_the_next(
    server: Server, tmp_path: Path, bad_body: dict[str, bytes]
) -> None:
    bad = server.mirror("bad", bad_body)
    good = server.mirror("good", GZIPPED).rstrip("/")  # a base URL without its final slash

    assert_is_small_mnist(download(tmp_path, [bad, good]))
    for name in MNIST_FILES:
        assert server.requests.count(f"/bad/{name}.gz") == 1
        assert server.requests.count(f"/good/{name}.gz") == 1


def test_redirects_are_followed(server: Server, tmp_path: Path) -> None:
    good = server.mirror("good", GZIPPED)
    for name in MNIST_FILES:
        server.routes[f"/moved/{name}.gz"] = Route(status=301, location=f"{good}{name}.gz")

    assert_is_small_mnist(download(tmp_path, [f"{server.base}/moved/"]))


def test_when_every_mirror_fails_the_error_names_each(server: Server, tmp_path: Path) -> None:
    missing = f"{server.base}/missing/"
    refused = closed_port_url()
    corrupt = server.mirror("corrupt", {TRAIN_IMAGES: GZIPPED[TRAIN_IMAGES][:-100]})
    wrong = server.mirror("wrong", {TRAIN_IMAGES: GZIPPED[TEST_IMAGES]})
    cut = f"{server.base}/cut/"
    server.routes[f"/cut/{TRAIN_IMAGES}.gz"] = Route(body=GZIPPED[TRAIN_IMAGES], cut_short=True)

    with pytest.raises(DownloadError) as caught:
        download(tmp_path, [missing, refused, corrupt, wrong, cut])

    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{TRAIN_IMAGES}: expected a verified download from one of 5")
    assert lines[1] == f"  {missing}{TRAIN_IMAGES}.gz: HTTP 404 Not Found"
    assert lines[2].startswith(f"  {refused}{TRAIN_IMAGES}.gz: ConnectError")
    assert lines[3].startswith(f"  {corrupt}{TRAIN_IMAGES}.gz: corrupt or truncated gzip")
    actual = hashlib.sha256(RAW[TEST_IMAGES]).hexdigest()
    assert lines[4] == (
        f"  {wrong}{TRAIN_IMAGES}.gz: expected SHA-256 {DIGESTS[TRAIN_IMAGES]} "
        f"of the decompressed content, got {actual}"
    )
    assert lines[5].startswith(f"  {cut}{TRAIN_IMAGES}.gz: RemoteProtocolError")
    assert list((tmp_path / "mnist").iterdir()) == []  # no partial or temporary file


def test_a_failed_cache_write_leaves_no_file(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(source: str, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)  # the last step of an atomic write
    with pytest.raises(OSError, match="disk full"):
        download(tmp_path, [server.mirror("good", GZIPPED)])
    assert list((tmp_path / "mnist").iterdir()) == []


def test_no_mirrors_is_a_download_error(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"expected at least one mirror URL .*, got none"):
        download(tmp_path, [])


def test_a_cache_file_corrupted_later_is_detected(server: Server, tmp_path: Path) -> None:
    download(tmp_path, [server.mirror("good", GZIPPED)])
    path = tmp_path / "mnist" / TRAIN_LABELS
    damaged = bytearray(RAW[TRAIN_LABELS])
    damaged[-1] = (damaged[-1] + 1) % 10  # still a valid label: only the digest can tell
    path.write_bytes(damaged)

    with pytest.raises(ChecksumMismatch) as caught:
        download(tmp_path, [server.base])
    actual = hashlib.sha256(damaged).hexdigest()
    assert str(caught.value) == (
        f"{path}: expected SHA-256 {DIGESTS[TRAIN_LABELS]} of the decompressed content, "
        f"got {actual}; delete the file to download it again"
    )
    assert len(server.requests) == 4  # only the first load downloaded


def write_folder(folder: Path, arrays: dict[str, np.ndarray], gzipped: set[str]) -> None:
    folder.mkdir(exist_ok=True)
    for name, array in arrays.items():
        data = encode_idx(array)
        if name in gzipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)


def test_mnist_dir_is_the_only_source(server: Server, tmp_path: Path) -> None:
    folder, cache = tmp_path / "mnist_dir", tmp_path / "cache"
    write_folder(folder, ARRAYS, gzipped={TRAIN_IMAGES, TEST_LABELS})  # a mix of gzip and raw
    url = server.mirror("good", GZIPPED)

    mnist = load_mnist(mnist_dir=folder, cache_dir=cache, mirrors=[url], digests=DIGESTS)

    assert_is_small_mnist(mnist)
    assert server.requests == []
    assert not cache.exists()


def test_mnist_dir_with_a_missing_file_says_what_is_missing_and_found(tmp_path: Path) -> None:
    present = {name: ARRAYS[name] for name in (TRAIN_IMAGES, TEST_IMAGES, TEST_LABELS)}
    write_folder(tmp_path, present, gzipped={TRAIN_IMAGES})
    (tmp_path / "train-labels.idx").write_bytes(RAW[TRAIN_LABELS])  # misnamed

    with pytest.raises(DataFormatError) as caught:
        load_mnist(mnist_dir=tmp_path, cache_dir=tmp_path, mirrors=[], digests=DIGESTS)
    assert str(caught.value) == (
        f"{tmp_path}: expected the MNIST files {TRAIN_LABELS} (each as NAME or NAME.gz), "
        f"got only: {TEST_IMAGES}, {TEST_LABELS}, train-images-idx3-ubyte.gz, train-labels.idx"
    )


def test_mnist_dir_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"ubyte \(each as NAME or NAME.gz\), got only: "):
        load_mnist(mnist_dir=tmp_path / "nowhere", cache_dir=tmp_path, mirrors=[])


def test_mnist_dir_file_with_another_digest(tmp_path: Path) -> None:
    write_folder(tmp_path, ARRAYS, gzipped=set(MNIST_FILES))
    digests = {**DIGESTS, TEST_IMAGES: "0" * 64}

    with pytest.raises(ChecksumMismatch) as caught:
        load_mnist(mnist_dir=tmp_path, cache_dir=tmp_path, mirrors=[], digests=digests)
    assert str(caught.value) == (
        f"{tmp_path / TEST_IMAGES}.gz: expected SHA-256 {'0' * 64} of the decompressed "
        f"content, got {DIGESTS[TEST_IMAGES]}"
    )


@pytest.mark.parametrize(
    "name, array, expected",
    [
        (
            TRAIN_IMAGES,
            ARRAYS[TRAIN_IMAGES][:, :, :27],
            r"expected uint8 images of shape \(n, 28, 28\), got uint8 of shape \(200, 28, 27\)",
        ),
        (
            TEST_IMAGES,
            ARRAYS[TEST_IMAGES].astype(np.int16),
            r"expected uint8 images .*, got int16 of shape \(20, 28, 28\)",
        ),
        (TEST_IMAGES, ARRAYS[TEST_IMAGES][:0], "expected at least 1 image, got 0"),
        (
            TRAIN_LABELS,
            ARRAYS[TRAIN_LABELS].reshape(100, 2),
            r"expected uint8 labels of shape \(n,\), got uint8 of shape \(100, 2\)",
        ),
        (
            TEST_LABELS,
            ARRAYS[TEST_LABELS][:-1],
            f"expected one label per image of {TEST_IMAGES} \\(20\\), got 19",
        ),
        (
            TEST_LABELS,
            np.where(np.arange(20) < 3, 10 + np.arange(20), 1).astype(np.uint8),
            r"expected labels in 0..9, got 3 above 9 \(largest 12\)",
        ),
    ],
    ids=["image-size", "image-dtype", "no-images", "labels-2d", "count", "label-range"],
)
def test_malformed_arrays_are_rejected(
    tmp_path: Path, name: str, array: np.ndarray, expected: str
) -> None:
    arrays = {**ARRAYS, name: array}
    write_folder(tmp_path, arrays, gzipped=set())
    digests = {n: hashlib.sha256(encode_idx(a)).hexdigest() for n, a in arrays.items()}

    with pytest.raises(DataFormatError, match=f"^{tmp_path / name}: {expected}$"):
        load_mnist(mnist_dir=tmp_path, cache_dir=tmp_path, mirrors=[], digests=digests)


def test_real_mnist(mnist_dir: Path, tmp_path: Path) -> None:
    mnist = load_mnist(mnist_dir=mnist_dir, cache_dir=tmp_path, mirrors=[])  # real digests

    for split, n in ((mnist.train, 60_000), (mnist.test, 10_000)):
        assert split.images.shape == (n, 28, 28)
        assert split.labels.shape == (n,)
        assert split.images.dtype == split.labels.dtype == np.uint8
        assert (split.images.min(), split.images.max()) == (0, 255)
        assert set(np.unique(split.labels)) == set(range(10))
    assert list(tmp_path.iterdir()) == []  # mnist_dir given: nothing cached
