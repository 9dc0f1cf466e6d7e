import base64
import io
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.config import PROJECT_ROOT
from app.engine import checkpoint
from app.engine.network import MLP
from app.web.app import create_app
from tests.web.conftest import ADMIN, make_settings, one, seven, strokes_body


def test_insights_from_the_card_on_a_fresh_install(client: TestClient) -> None:
    data = client.get("/api/insights").json()
    card = client.get("/api/model").json()
    assert data["model"]["version"] == card["version"]
    assert data["model"]["sizes"] == [784, 256, 128, 10]
    assert data["mnist_test"] == card["metrics"]["mnist_test"]
    assert np.array(data["mnist_test"]["confusion_matrix"]).shape == (10, 10)
    assert data["contributed"] is None
    (curve,) = data["curves"]
    assert curve["version"] == card["version"] and len(curve["epochs"]) == 40
    assert set(curve["epochs"][0]) == {
        "epoch",
        "loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
    }
    assert data["baseline"]["metrics"]["mnist_test"]["accuracy"] < data["mnist_test"]["accuracy"]


def test_contributed_drawings_are_scored_live(client: TestClient) -> None:
    for strokes, label in ((one(), 1), (seven(), 7), (seven(), 3)):
        client.post("/api/samples", json=strokes_body(strokes, label=label))
    contributed = client.get("/api/insights").json()["contributed"]
    assert contributed["n"] == 3
    assert abs(contributed["accuracy"] - 2 / 3) < 1e-9
    assert contributed["confusion_matrix"][3][7] == 1


def test_curves_follow_the_parents(client: TestClient) -> None:
    registry = client.app.state.registry  # type: ignore[attr-defined]
    shipped = registry.active()
    child = MLP.initialise((784, 256, 128, 10), "relu", np.random.default_rng(0))
    history = [
        {"epoch": 1, "loss": 0.5, "train_accuracy": 0.9, "val_loss": None, "val_accuracy": None}
    ]
    draft = {"parent": shipped, "training": {"command": "test", "history": history}}
    data, made = checkpoint.to_bytes(child, draft)
    card = made.to_dict()
    registry.add(version=card["version"], parent=shipped, card=card, weights=data)
    client.post(f"/api/models/{card['version']}/activate", headers=ADMIN)
    for _ in range(100):  # the app follows the active version within a second or so
        if client.get("/api/model").json()["version"] == card["version"]:
            break
        time.sleep(0.05)
    curves = client.get("/api/insights").json()["curves"]
    assert [c["version"] for c in curves] == [card["version"], shipped]
    assert curves[0]["epochs"] == history


def test_first_layer_weights_as_a_picture(client: TestClient) -> None:
    response = client.get("/api/insights/first-layer.png")
    assert response.headers["content-type"] == "image/png"
    image = np.array(Image.open(io.BytesIO(response.content)))
    assert image.shape == (16 * 87, 16 * 87, 3)  # 256 units, 16 per row, 28x3 + gap
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 100


def test_mistakes_of_one_confusion_cell(client: TestClient) -> None:
    ids = [
        client.post("/api/samples", json=strokes_body(s, label=label)).json()["id"]
        for s, label in ((seven(), 3), (one(), 3), (seven(), 3), (seven(), 7))
    ]
    cell = client.get("/api/insights/mistakes", params={"true": 3, "predicted": 7}).json()
    assert [item["id"] for item in cell["items"]] == [ids[2], ids[0]]  # newest first
    assert all(max(i["probabilities"]) == i["probabilities"][7] for i in cell["items"])
    assert cell["items"][0]["image_url"].endswith(f"/api/samples/{ids[2]}.png")
    assert (
        client.get("/api/insights/mistakes", params={"true": 3, "predicted": 12}).status_code == 422
    )


def picture(data_url: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert data_url.startswith(prefix)
    return np.array(Image.open(io.BytesIO(base64.b64decode(data_url[len(prefix) :]))))


@pytest.mark.parametrize("of", ["active", "baseline"])
def test_mnist_mistakes_of_one_cell_come_from_the_card(client: TestClient, of: str) -> None:
    data = client.get("/api/insights").json()
    metrics = data["mnist_test"] if of == "active" else data["baseline"]["metrics"]["mnist_test"]
    cm = np.array(metrics["confusion_matrix"])
    np.fill_diagonal(cm, 0)
    true, predicted = np.unravel_index(cm.argmax(), cm.shape)  # the commonest mistake
    params = {"true": true, "predicted": predicted, "source": "mnist", "of": of}
    cell = client.get("/api/insights/mistakes", params=params).json()
    assert cell["source"] == "mnist" and (cell["true"], cell["predicted"]) == (true, predicted)
    assert len(cell["items"]) == min(cm.max(), 12)
    confidence = [item["probabilities"][predicted] for item in cell["items"]]
    assert confidence == sorted(confidence, reverse=True)
    assert all(
        max(item["probabilities"]) == item["probabilities"][predicted] for item in cell["items"]
    )
    indices = [item["mnist_index"] for item in cell["items"]]
    assert len(set(indices)) == len(indices) and all(0 <= i < 10_000 for i in indices)
    image = picture(cell["items"][0]["image_url"])
    assert image.shape == (28, 28) and image.max() > 200  # white ink on black, as MNIST


def test_average_inputs_of_each_digit(client: TestClient) -> None:
    averages = client.get("/api/insights").json()["average_inputs"]
    assert sum(averages["count"]) == 10_000
    means = np.stack([picture(url) for url in averages["images"]]).astype(float)
    assert means.shape == (10, 28, 28)
    assert means[1].sum() < means[0].sum()  # a one has less ink than a zero
    assert means[0][14, 14] < means[0][14, 8]  # a zero is hollow in the middle
    difference = picture(averages["difference"][1])
    assert difference.shape == (28, 28, 3)


def test_a_version_without_kept_pictures_says_so(client: TestClient) -> None:
    registry = client.app.state.registry  # type: ignore[attr-defined]
    child = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(0))
    data, made = checkpoint.to_bytes(child, {"parent": registry.active()})
    card = made.to_dict()
    registry.add(version=card["version"], parent=registry.active(), card=card, weights=data)
    client.post(f"/api/models/{card['version']}/activate", headers=ADMIN)
    for _ in range(100):
        if client.get("/api/model").json()["version"] == card["version"]:
            break
        time.sleep(0.05)
    insights = client.get("/api/insights").json()
    assert insights["mnist_mistakes"] is False and insights["average_inputs"] is None
    params = {"true": 3, "predicted": 5, "source": "mnist"}
    response = client.get("/api/insights/mistakes", params=params)
    assert response.status_code == 404
    assert response.json()["detail"] == f"version {card['version']} keeps no MNIST test pictures"
    assert client.get("/api/insights/mistakes", params={**params, "of": "baseline"}).is_success


def test_no_baseline_in_the_model_folder(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("default.npz", "default.json"):
        shutil.copy(PROJECT_ROOT / "model" / name, folder / name)
    with TestClient(create_app(make_settings(tmp_path, model_dir=folder))) as client:
        assert client.get("/api/insights").json()["baseline"] is None
        params = {"true": 3, "predicted": 5, "source": "mnist", "of": "baseline"}
        response = client.get("/api/insights/mistakes", params=params)
        assert response.status_code == 404
        assert response.json()["detail"] == f"no linear baseline in {folder}"
