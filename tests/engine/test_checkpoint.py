import json
from pathlib import Path

import numpy as np
import pytest

from app.engine import checkpoint
from app.engine.errors import ModelFileError
from app.engine.network import MLP


@pytest.fixture
def saved(tmp_path: Path) -> tuple[MLP, Path]:
    net = MLP.initialise((12, 5, 10), "sigmoid", np.random.default_rng(3))
    path = tmp_path / "m.npz"
    checkpoint.save(net, path, {"metrics": {"mnist_test": {"accuracy": 0.5}}})
    return net, path


def test_round_trip_keeps_weights_and_card(saved: tuple[MLP, Path]) -> None:
    net, path = saved
    loaded = checkpoint.load(path)
    assert loaded.network.sizes == (12, 5, 10) and loaded.network.activation == "sigmoid"
    for p, q in zip(net.parameters(), loaded.network.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    card = loaded.card
    assert card["metrics"]["mnist_test"]["accuracy"] == 0.5
    assert card["parameters"] == net.n_parameters
    assert card["version"] == loaded.version and card["weights_sha256"][:10] in loaded.version
    assert card["created"][:4].isdigit()
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.json", "m.npz"]  # no temp files


def test_refuses_arrays_that_disagree_with_the_card(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    card = json.loads(path.with_suffix(".json").read_text())
    card["architecture"]["sizes"] = [12, 6, 10]
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match=r"layer 0: expected W \(12, 6\)"):
        checkpoint.load(path)


def test_refuses_changed_weights(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["W1"][0, 0] += 1
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="SHA-256"):
        checkpoint.load(path)


def test_refuses_missing_arrays_and_wrong_dtype(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    np.savez(path, W0=arrays["W0"], b0=arrays["b0"])
    with pytest.raises(ModelFileError, match=r"expected arrays \['W0', 'W1', 'b0', 'b1'\]"):
        checkpoint.load(path)
    np.savez(path, **{k: v.astype(np.float64) for k, v in arrays.items()})
    with pytest.raises(ModelFileError, match="expected float32"):
        checkpoint.load(path)


def test_refuses_garbage_and_missing_files(saved: tuple[MLP, Path], tmp_path: Path) -> None:
    _, path = saved
    path.write_bytes(b"not a zip file")
    with pytest.raises(ModelFileError, match=r"expected an \.npz file"):
        checkpoint.load(path)
    with pytest.raises(ModelFileError, match="model card not found"):
        checkpoint.load(tmp_path / "absent.npz")
    path.with_suffix(".json").write_text("{")
    with pytest.raises(ModelFileError, match="expected a JSON model card"):
        checkpoint.load(path)
    path.with_suffix(".json").write_text('{"format": "other"}')
    with pytest.raises(
        ModelFileError, match="expected a card of format 'digitpad-mlp/1', got 'other'"
    ):
        checkpoint.load(path)


def test_pickled_object_arrays_are_refused(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    np.savez(path, W0=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError):
        checkpoint.load(path)


def test_bytes_round_trip_and_refusals() -> None:
    net = MLP.initialise((12, 5, 10), "relu", np.random.default_rng(4))
    data, card = checkpoint.to_bytes(net, {"parent": "p1"})
    loaded = checkpoint.from_bytes(data, card, source="db:v1")
    assert loaded.version == card["version"] and loaded.card["parent"] == "p1"
    for p, q in zip(net.parameters(), loaded.network.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    other, _ = checkpoint.to_bytes(
        MLP.initialise((12, 5, 10), "relu", np.random.default_rng(5)), {}
    )
    with pytest.raises(ModelFileError, match="db:v1: expected weights with SHA-256"):
        checkpoint.from_bytes(other, card, source="db:v1")
    with pytest.raises(ModelFileError, match=r"db:v1: expected an \.npz file"):
        checkpoint.from_bytes(b"junk", card, source="db:v1")
    with pytest.raises(ModelFileError, match="expected a card of format"):
        checkpoint.from_bytes(data, ["not", "a", "card"], source="db:v1")
