import numpy as np
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
    data, card = checkpoint.to_bytes(other, {"parent": shipped})
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
