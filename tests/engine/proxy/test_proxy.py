"""Tests of app.engine.proxy: proxy sets of canvas drawings, and the shipped model on them."""

from pathlib import Path

import numpy as np
import pytest

from app.config import PROJECT_ROOT
from app.engine.checkpoint import load
from app.engine.errors import InvalidInput
from app.engine.mnist import load_mnist
from app.engine.preprocess import strokes_to_pixels
from app.engine.proxy import (
    WRITER_BLOCK,
    ProxySet,
    render,
    scripted,
    traced,
    written_by_scripted_writers,
)
from tests.engine.preprocess.helpers import correlation_up_to_a_pixel
from tests.shapes import DIGITS, strokes

SHIPPED = PROJECT_ROOT / "model" / "default.npz"


def digit_images(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) uint8 MNIST-style images of the test shapes, and their labels."""
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 10
    images = [strokes_to_pixels(strokes(DIGITS[d], rng), 280, 280) for d in labels]
    return (np.stack(images) * 255).round().astype(np.uint8), labels


def test_scripted_sets_have_every_digit_from_every_writer() -> None:
    proxy = scripted(4, 3, rng=np.random.default_rng(0))
    assert len(proxy) == 4 * 10 * 3 and proxy.source == "scripted writers"
    assert proxy.labels.dtype == np.int64 and proxy.writers.dtype == np.int64
    for w in range(4):
        mine = proxy.labels[proxy.writers == w]
        assert np.bincount(mine, minlength=10).tolist() == [3] * 10


def test_scripted_sets_repeat_with_the_seed() -> None:
    a, b = (scripted(2, 1, rng=np.random.default_rng(9)) for _ in range(2))
    c = scripted(2, 1, rng=np.random.default_rng(10))
    np.testing.assert_array_equal(render(a), render(b))
    assert not np.array_equal(render(a), render(c))


def test_traced_sets_redraw_the_images_with_writers_in_blocks() -> None:
    images, labels = digit_images(2 * WRITER_BLOCK + 10)
    proxy = traced(images, labels, rng=np.random.default_rng(0))
    assert proxy.source == "traced MNIST" and len(proxy) == len(images)
    np.testing.assert_array_equal(proxy.labels, labels)
    assert proxy.writers.tolist() == [i // WRITER_BLOCK for i in range(len(images))]
    rendered = render(proxy).reshape(-1, 28, 28)
    originals = images / 255
    correlations = [
        correlation_up_to_a_pixel(a, b) for a, b in zip(rendered, originals, strict=True)
    ]
    assert np.median(correlations) > 0.85
    own = traced(images[:3], labels[:3], rng=np.random.default_rng(0), writers=[7, 7, 8])
    assert own.writers.tolist() == [7, 7, 8]


def test_traced_refuses_blank_images_and_wrong_shapes() -> None:
    images, labels = digit_images(3)
    images[1] = 100  # grey everywhere, nothing as dark as ink
    with pytest.raises(InvalidInput, match="image 1"):
        traced(images, labels, rng=np.random.default_rng(0))
    with pytest.raises(InvalidInput, match=r"\(n, 28, 28\)"):
        traced(images[0], labels, rng=np.random.default_rng(0))


def test_render_gives_network_inputs_and_names_a_drawing_it_cannot_render() -> None:
    proxy = scripted(1, 1, rng=np.random.default_rng(0))
    X = render(proxy)
    assert X.shape == (10, 784) and X.dtype == np.float32
    assert X.min() >= 0 and X.max() <= 1 and (X.sum(axis=1) > 40).all()
    broken = ProxySet(
        strokes=[*proxy.strokes[:2], []],
        labels=np.array([0, 1, 2]),
        writers=np.zeros(3, dtype=np.int64),
        source="test",
    )
    with pytest.raises(InvalidInput, match="drawing 2"):
        render(broken)


def test_a_proxy_set_needs_one_label_and_writer_per_drawing() -> None:
    with pytest.raises(InvalidInput, match="labels and writers"):
        ProxySet(
            strokes=[[]], labels=np.zeros(2, np.int64), writers=np.zeros(1, np.int64), source=""
        )


def accuracy(proxy: ProxySet) -> float:
    network = load(SHIPPED).network
    return float((network.predict_proba(render(proxy)).argmax(axis=1) == proxy.labels).mean())


def test_the_shipped_model_reads_scripted_writers() -> None:
    # Measured 98.3% with this seed (98.3-99.5% over seeds 0-4): the floor leaves room.
    assert accuracy(scripted(20, 2, rng=np.random.default_rng(0))) > 0.95


def test_the_shipped_model_reads_traced_mnist(mnist_dir: Path, tmp_path: Path) -> None:
    test = load_mnist(mnist_dir=mnist_dir, cache_dir=tmp_path, mirrors=[]).test
    proxy = traced(test.images[:1000], test.labels[:1000], rng=np.random.default_rng(0))
    # Measured 96.3% (96.0% with other seeds), against 99.2% on these 1000 MNIST images.
    assert accuracy(proxy) > 0.93


def test_training_drawings_come_from_writers_of_their_own() -> None:
    images, labels = written_by_scripted_writers(45, seed=0)
    assert images.shape == (45, 784) and images.dtype == np.float32
    assert labels.tolist() == [d for d in range(10) for _ in range(2)] * 2 + [0] * 2 + [1] * 2 + [2]
    assert images.max() <= 1 and (images.sum(axis=1) > 10).all()
    again, _ = written_by_scripted_writers(45, seed=0)
    np.testing.assert_array_equal(images, again)
    # Not the writers a benchmark makes with default_rng(seed).
    bench = render(scripted(3, 2, rng=np.random.default_rng(0)))
    assert not np.isclose(bench[:45], images).all(axis=1).any()
