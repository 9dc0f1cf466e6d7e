import io
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from app.config import PROJECT_ROOT
from app.engine import checkpoint
from app.engine.card import SCHEMA, ModelCard, Preprocessing, migrate
from app.engine.errors import ModelFileError
from app.engine.network import MLP
from app.engine.preprocess.strokes import PEN_WIDTH

# Cards of schema 1: the shipped model's before schema 2 (commit 4f38d63, kept with the
# tests) and the linear baseline's, still shipped as it was.
OLD_CARDS = {
    "default.json": (Path(__file__).parent / "cards" / "default.json").read_text(),
    "baseline.json": (PROJECT_ROOT / "model" / "baseline.json").read_text(),
}
# Schema 2: the five-network model shipped before trajectory networks (commit f923363).
SCHEMA_2_CARD = (Path(__file__).parent / "cards" / "ensemble-schema2.json").read_text()
# Schema 3: the model shipped with trajectory networks (commit fca9105).
SCHEMA_3_CARD = (Path(__file__).parent / "cards" / "trajectory-schema3.json").read_text()


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
    assert card.metrics["mnist_test"]["accuracy"] == 0.5
    assert card.parameters == net.n_parameters and card.architecture.sizes == (12, 5, 10)
    assert card.version == loaded.version and card.weights_sha256[:10] in loaded.version
    assert card.created[:4].isdigit() and card.schema == SCHEMA == 4
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
    arrays["n0.W1"][0, 0] += 1
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="SHA-256"):
        checkpoint.load(path)


def test_refuses_missing_arrays_and_wrong_dtype(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    np.savez(path, **{"n0.W0": arrays["n0.W0"], "n0.b0": arrays["n0.b0"]})
    with pytest.raises(
        ModelFileError, match=r"expected arrays \['n0.W0', 'n0.W1', 'n0.b0', 'n0.b1'\]"
    ):
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
        ModelFileError, match="expected a card of format 'digitpad-mlp/2', got 'other'"
    ):
        checkpoint.load(path)


def test_pickled_object_arrays_are_refused(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    np.savez(path, W0=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError):
        checkpoint.load(path)


def test_bytes_round_trip_and_refusals() -> None:
    net = MLP.initialise((12, 5, 10), "relu", np.random.default_rng(4))
    data, made = checkpoint.to_bytes(net, {"parent": "p1"})
    card = made.to_dict()
    loaded = checkpoint.from_bytes(data, card, source="db:v1")
    assert loaded.version == card["version"] and loaded.card.parent == "p1"
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


def test_an_ensemble_round_trips_and_is_checked_as_one(tmp_path: Path) -> None:
    nets = tuple(MLP.initialise((12, 5, 10), "relu", np.random.default_rng(s)) for s in (1, 2, 3))
    card = checkpoint.save(nets, tmp_path / "e.npz", {}).to_dict()
    assert card["architecture"]["networks"] == 3
    assert card["parameters"] == 3 * nets[0].n_parameters
    loaded = checkpoint.load(tmp_path / "e.npz")
    assert len(loaded.networks) == 3 and loaded.network is loaded.networks[0]
    for net, again in zip(nets, loaded.networks, strict=True):
        for p, q in zip(net.parameters(), again.parameters(), strict=True):
            np.testing.assert_array_equal(p, q)
    # Swapping two networks changes the digest: their order is part of the model.
    data, _ = checkpoint.to_bytes((nets[1], nets[0], nets[2]), {})
    with pytest.raises(ModelFileError, match="expected weights with SHA-256"):
        checkpoint.from_bytes(data, card, source="swapped")
    with pytest.raises(ModelFileError, match="expected networks all"):
        checkpoint.to_bytes(
            (nets[0], MLP.initialise((12, 6, 10), "relu", np.random.default_rng(0))), {}
        )


def test_a_format_1_file_still_loads(tmp_path: Path) -> None:
    """Models saved before ensembles: arrays W0, b0, ... and format digitpad-mlp/1."""
    net = MLP.initialise((12, 5, 10), "relu", np.random.default_rng(6))
    data, made = checkpoint.to_bytes(net, {})
    card = made.to_dict()
    with np.load(io.BytesIO(data)) as npz:
        arrays = {k.removeprefix("n0."): npz[k] for k in npz.files}
    np.savez(tmp_path / "old.npz", **arrays)
    del card["architecture"]["networks"], card["schema"]
    card["format"] = "digitpad-mlp/1"
    (tmp_path / "old.json").write_text(json.dumps(card))
    loaded = checkpoint.load(tmp_path / "old.npz")
    assert len(loaded.networks) == 1 and loaded.version == card["version"]


def test_todays_shipped_cards_of_schema_1_still_load() -> None:
    """The cards shipped before schema 2 (no schema field, one network) migrate on load."""
    for name in ("default.json", "baseline.json"):
        old = json.loads(OLD_CARDS[name])
        assert "schema" not in old
        card = ModelCard.from_dict(old, source=name)
        assert card.schema == SCHEMA and card.architecture.networks == 1
        assert card.training is not None and card.training.data is not None
        assert card.training.data.credits == () and card.version == old["version"]
        again = card.to_dict()
        assert again["metrics"] == old["metrics"] and again["insights"] == old["insights"]
        assert ModelCard.from_dict(again, source=name) == card


def test_a_card_lacking_a_field_is_refused() -> None:
    net = MLP.initialise((12, 5, 10), "relu", np.random.default_rng(7))
    card = checkpoint.to_bytes(net, {})[1].to_dict()
    del card["weights_sha256"]
    with pytest.raises(ModelFileError, match="card lacks a valid field 'weights_sha256'"):
        ModelCard.from_dict(card, source="x")
    assert migrate({"format": "digitpad-mlp/1", "architecture": {"sizes": [1, 2]}}) == {
        "format": "digitpad-mlp/1", "architecture": {"networks": 1, "sizes": [1, 2]}, "schema": 4
    }  # fmt: skip


def test_a_card_of_schema_2_loads_as_a_model_of_images_only() -> None:
    old = json.loads(SCHEMA_2_CARD)
    assert old["schema"] == 2
    card = ModelCard.from_dict(old, source="schema 2")
    assert card.schema == 4 and card.architecture.networks == 5
    assert card.architecture.trajectory is None and card.training is not None
    assert card.training.trajectory is None and card.version == old["version"]
    assert ModelCard.from_dict(card.to_dict(), source="again") == card


def test_a_card_of_schema_3_reads_with_the_preprocessing_it_was_trained_with() -> None:
    """The card shipped with schema 3 has no preprocessing field: no slant correction
    and the pen of `strokes.PEN_WIDTH`, as it was trained."""
    old = json.loads(SCHEMA_3_CARD)
    assert old["schema"] == 3 and "preprocessing" not in old
    card = ModelCard.from_dict(old, source="shipped")
    assert card.schema == 4 and card.preprocessing == Preprocessing(False, PEN_WIDTH)
    assert card.to_dict()["preprocessing"] == {"deskew": False, "pen_width": PEN_WIDTH}


def test_preprocessing_is_saved_on_the_card(tmp_path: Path) -> None:
    net = MLP.initialise((12, 5, 10), "relu", np.random.default_rng(2))
    chosen = Preprocessing(deskew=True, pen_width=2.25)
    assert checkpoint.unsaved(net, None, chosen).card.preprocessing == chosen
    checkpoint.save(net, tmp_path / "p.npz", {"preprocessing": asdict(chosen)})
    assert checkpoint.load(tmp_path / "p.npz").card.preprocessing == chosen


def test_trajectory_networks_round_trip_and_are_covered_by_the_digest(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    images = MLP.initialise((12, 5, 10), "relu", rng)
    paths = checkpoint.PathNetworks(
        tuple(MLP.initialise((8, 4, 10), "relu", rng) for _ in range(2)), 0.3
    )
    path = tmp_path / "t.npz"
    card = checkpoint.save(images, path, {}, paths)
    arch = card.architecture.trajectory
    assert arch is not None and (arch.sizes, arch.networks, arch.weight) == ((8, 4, 10), 2, 0.3)
    assert card.parameters == images.n_parameters + 2 * paths.networks[0].n_parameters
    assert card.weights_sha256 != checkpoint.weights_digest(images)
    loaded = checkpoint.load(path)
    assert loaded.paths is not None and loaded.paths.weight == 0.3
    for a, b in zip(paths.networks, loaded.paths.networks, strict=True):
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            np.testing.assert_array_equal(p, q)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    assert {"t0.W0", "t1.b1", "n0.W0"} <= set(arrays)
    arrays["t1.W0"][0, 0] += 1
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="SHA-256"):
        checkpoint.load(path)
    card_json = card.to_dict()
    card_json["architecture"]["trajectory"]["weight"] = 1.5
    with pytest.raises(ModelFileError, match=r"trajectory weight in \[0, 1\], got 1.5"):
        checkpoint.from_bytes(checkpoint.to_bytes(images, {}, paths)[0], card_json, source="t")
