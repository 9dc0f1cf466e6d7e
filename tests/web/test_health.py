from fastapi.testclient import TestClient


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["model"] == client.get("/api/model").json()["version"]


def test_readyz_fails_when_the_database_is_gone(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.close()
    store.ping = lambda: (_ for _ in ()).throw(OSError("gone"))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_model_card_is_served(client: TestClient) -> None:
    card = client.get("/api/model").json()
    assert card["architecture"]["sizes"] == [784, 256, 128, 10]
    assert card["metrics"]["mnist_test"]["accuracy"] >= 0.985


def test_docs_are_served_without_a_cdn(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "https://" not in docs
    schema = client.get("/openapi.json").json()
    assert {"/predict", "/predict/batch", "/api/samples", "/api/stats"} <= set(schema["paths"])
    body = schema["paths"]["/predict"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert "Drawing" in schema["components"]["schemas"]
