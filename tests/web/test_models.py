import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.engine import checkpoint
from app.engine.network import MLP
from tests.web.conftest import ADMIN


def test_the_shipped_model_is_the_first_active_version(client: TestClient) -> None:
    listing = client.get("/api/models").json()
    served = client.get("/api/model").json()["version"]
    assert listing["active"] == served
    assert [v["version"] for v in listing["versions"]] == [served]
    assert listing["versions"][0]["active"] is True
    assert listing["versions"][0]["card"]["metrics"]["mnist_test"]["accuracy"] >= 0.985


def test_activating_a_version_switches_what_predict_answers_with(client: TestClient) -> None:
    app = client.app
    registry = app.state.registry  # type: ignore[attr-defined]
    shipped = registry.active()
    other = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(0))
    data, made = checkpoint.to_bytes(other, {"parent": shipped})
    card = made.to_dict()
    registry.add(version=card["version"], parent=shipped, card=card, weights=data)

    url = f"/api/models/{card['version']}/activate"
    assert client.post(url).status_code == 401
    assert client.post("/api/models/nope/activate", headers=ADMIN).status_code == 404
    activated = client.post(url, headers=ADMIN)
    assert activated.status_code == 200 and activated.json()["active"] is True
    assert client.get("/api/models").json()["active"] == card["version"]


def test_jobs_need_the_token_and_exist(client: TestClient) -> None:
    assert client.get("/api/admin/jobs/1").status_code == 401
    assert client.get("/api/admin/jobs/999", headers=ADMIN).status_code == 404
    bad = client.post("/api/admin/finetune", json={"epochs": 0}, headers=ADMIN)
    assert bad.status_code == 422 and "epochs" in bad.json()["detail"]


def corrupt_version(registry: object, parent: str) -> str:
    """A version whose stored weights no longer match its card (flipped bytes)."""
    other = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(1))
    data, made = checkpoint.to_bytes(other, {"parent": parent})
    card = made.to_dict()
    broken = data[:-40] + bytes(b ^ 0xFF for b in data[-40:])
    registry.add(version=card["version"], parent=parent, card=card, weights=broken)  # type: ignore[attr-defined]
    return str(card["version"])


@pytest.mark.slow  # seeds a database from the shipped model twice, about 3 s
def test_a_corrupt_version_is_refused_and_the_current_one_keeps_serving(
    client: TestClient,
) -> None:
    registry = client.app.state.registry  # type: ignore[attr-defined]
    shipped = registry.active()
    bad = corrupt_version(registry, shipped)
    refused = client.post(f"/api/models/{bad}/activate", headers=ADMIN)
    assert refused.status_code == 422 and "cannot be served" in refused.json()["detail"]
    assert registry.active() == shipped

    # Made active behind the API's back (another tool, a damaged database): every server
    # logs it, keeps the version it has, and stays ready.
    registry.activate(bad)
    time.sleep(3 * client.app.state.settings.model_poll_seconds)  # type: ignore[attr-defined]
    assert client.get("/api/model").json()["version"] == shipped
    drawing = {
        "strokes": [[[60, 50], [220, 52], [120, 240]]],
        "canvas": {"width": 280, "height": 280},
    }
    assert client.post("/predict", json=drawing).json()["model"] == shipped
    assert client.get("/readyz").status_code == 200
