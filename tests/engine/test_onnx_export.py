"""The ONNX graph of a model's image networks reads as digitpad's reader does."""

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from app.config import get_settings
from app.engine import checkpoint
from app.engine.card import Preprocessing
from app.engine.checkpoint import Checkpoint, PathNetworks
from app.engine.errors import ConfigError
from app.engine.mnist import load_mnist, to_inputs
from app.engine.network import MLP
from app.engine.reader import Reader
from app.engine.replay import replay
from app.engine.unipen import load_unipen, split_digits
from tests import needs

onnx = needs.package("onnx", "export")
ort = needs.package("onnxruntime", "export")
from app.engine.onnx_export import INPUT, to_onnx  # noqa: E402  (needs onnx)

SHIPPED = get_settings().model_dir / "default.npz"
CREDIT = "Some pen data, A. Author, 2001; CC BY 4.0"


def networks(sizes: tuple[int, ...], activation: str, count: int) -> tuple[MLP, ...]:
    return tuple(MLP.initialise(sizes, activation, np.random.default_rng(s)) for s in range(count))


def run(model: Checkpoint, X: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The exported graph of ``model`` run in onnxruntime on X (n, 784)."""
    graph = to_onnx(model)
    onnx.checker.check_model(graph, full_check=True)
    session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    (p,) = session.run(None, {INPUT: X})
    out: npt.NDArray[np.float32] = p
    return out


def assert_reads_as_digitpad(model: Checkpoint, X: npt.NDArray[np.float32]) -> None:
    exported = run(model, X)
    expected = Reader(model).probabilities(X)
    assert exported.shape == expected.shape == (len(X), 10) and exported.dtype == np.float32
    np.testing.assert_array_equal(exported.argmax(axis=1), expected.argmax(axis=1))
    np.testing.assert_allclose(exported, expected, rtol=0, atol=1e-5)


def props(model: Checkpoint) -> dict[str, str]:
    return {p.key: p.value for p in to_onnx(model).metadata_props}


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize("sizes", [(784, 32, 16, 10), (784, 10)], ids=["hidden", "linear"])
def test_random_networks_read_as_digitpad(
    sizes: tuple[int, ...], activation: str, count: int
) -> None:
    model = checkpoint.unsaved(networks(sizes, activation, count))
    X = np.random.default_rng(9).random((64, 784), dtype=np.float32)
    assert_reads_as_digitpad(model, X)


def test_the_shipped_model_reads_mnist_test_as_digitpad(mnist_dir: Path, tmp_path: Path) -> None:
    test = load_mnist(mnist_dir=mnist_dir, cache_dir=tmp_path, mirrors=[]).test
    X = to_inputs(test.images)
    assert len(X) == 10_000
    assert_reads_as_digitpad(checkpoint.load(SHIPPED), X)


@pytest.mark.slow  # every UNIPEN test writer's digit drawn as the page draws it
def test_the_shipped_model_reads_unipen_drawings_as_digitpad(unipen_dir: Path) -> None:
    drawn = replay(split_digits(load_unipen(unipen_dir))["test"], np.random.default_rng(0))
    assert_reads_as_digitpad(checkpoint.load(SHIPPED), drawn.images)


def test_metadata_carries_the_cards_version_and_credits() -> None:
    draft = {
        "training": {
            "command": "digitpad train",
            "config": {},
            "seconds": 1.0,
            "data": {"source": "MNIST + pen data", "credits": [CREDIT]},
        },
        "parent": "20260101-0123456789",
    }
    members = networks((784, 16, 10), "relu", 2)
    _, card = checkpoint.to_bytes(members, draft)
    found = props(Checkpoint(members, card))
    assert found["digitpad.version"] == card.version
    assert found["digitpad.weights_sha256"] == card.weights_sha256
    assert found["digitpad.parent"] == "20260101-0123456789"
    assert json.loads(found["digitpad.credits"]) == [CREDIT]
    assert "2 network(s) 784-16-10 relu" in found["digitpad.output"]
    assert not any("trajectory" in item for item in json.loads(found["digitpad.left_out"]))


def test_the_shipped_models_metadata_names_what_is_left_out() -> None:
    model = checkpoint.load(SHIPPED)
    assert model.card.training is not None and model.card.training.data is not None
    assert model.paths is not None
    found = props(model)
    assert found["digitpad.version"] == model.version
    assert json.loads(found["digitpad.credits"]) == list(model.card.training.data.credits)
    assert "digitpad.parent" not in found
    left_out = json.loads(found["digitpad.left_out"])
    assert any(f"the {len(model.paths.networks)} trajectory networks" in s for s in left_out)
    assert any(s.startswith("preprocessing") for s in left_out)


def test_a_model_trained_with_slant_correction_is_refused() -> None:
    model = checkpoint.unsaved(
        networks((784, 16, 10), "relu", 1), preprocessing=Preprocessing(deskew=True)
    )
    with pytest.raises(ConfigError, match="does not include the slant correction"):
        to_onnx(model)


def test_a_model_with_trajectory_networks_exports_its_image_networks_only() -> None:
    paths = PathNetworks(networks((160, 8, 10), "relu", 2), weight=0.5)
    model = checkpoint.unsaved(networks((784, 16, 10), "sigmoid", 2), paths)
    graph = to_onnx(model)
    stacked = {t.name: tuple(t.dims) for t in graph.graph.initializer}
    assert stacked == {"W0": (2, 784, 16), "b0": (2, 1, 16), "W1": (2, 16, 10), "b1": (2, 1, 10)}
    assert_reads_as_digitpad(model, np.random.default_rng(1).random((8, 784), dtype=np.float32))
