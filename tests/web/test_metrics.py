"""/metrics: request counts and latencies per route, predicted digits, the active model."""

from pathlib import Path
from types import SimpleNamespace

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.web.app import create_app
from tests.web.conftest import make_settings, one, seven, strokes_body

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient) -> Samples:
    """Every sample of /metrics, keyed by (name, labels)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests(samples: Samples, method: str, route: str, status: int) -> float:
    labels = {"method": method, "route": route, "status": str(status)}
    return value(samples, "digitpad_http_requests_total", **labels)


def test_requests_are_counted_per_route_template_method_and_status(client: TestClient) -> None:
    for _ in range(2):
        assert client.post("/predict", json=strokes_body(one())).status_code == 200
    assert client.post("/predict", json={"pixels": []}).status_code == 422
    sample_id = client.post("/api/samples", json=strokes_body(one(), label=1)).json()["id"]
    client.get(f"/api/samples/{sample_id}")
    client.get("/api/samples/999999")
    client.get("/no/such/page")
    samples = scrape(client)
    assert requests(samples, "POST", "/predict", 200) == 2
    assert requests(samples, "POST", "/predict", 422) == 1
    assert requests(samples, "POST", "/api/samples", 201) == 1
    # The template, not the path: one series for every sample id.
    assert requests(samples, "GET", "/api/samples/{sample_id:int}", 200) == 1
    assert requests(samples, "GET", "/api/samples/{sample_id:int}", 404) == 1
    assert requests(samples, "GET", "<unmatched>", 404) == 1
    assert not any("999999" in str(labels) or "/no/such" in str(labels) for _, labels in samples)


def test_latency_histograms_per_route(client: TestClient) -> None:
    for _ in range(3):
        client.post("/predict", json=strokes_body(seven()))
    samples = scrape(client)
    labels = {"method": "POST", "route": "/predict", "status": "200"}
    name = "digitpad_http_request_duration_seconds"
    assert value(samples, f"{name}_count", **labels) == 3
    assert value(samples, f"{name}_sum", **labels) > 0
    assert value(samples, f"{name}_bucket", **labels, le="+Inf") == 3
    assert value(samples, f"{name}_bucket", **labels, le="10.0") == 3
    buckets = [k for k in samples if k[0] == f"{name}_bucket" and ("route", "/predict") in k[1]]
    assert len(buckets) >= 10


def test_predictions_are_counted_by_digit(client: TestClient) -> None:
    before = scrape(client)
    assert all(value(before, "digitpad_predictions_total", digit=str(d)) == 0 for d in range(10))
    digits = [client.post("/predict", json=strokes_body(one())).json()["digit"] for _ in range(2)]
    items = [strokes_body(seven()), strokes_body(one()), strokes_body(seven())]
    batch = client.post("/predict/batch", json={"items": items}).json()["predictions"]
    digits += [p["digit"] for p in batch]
    client.post("/explain", json=strokes_body(seven()))  # explains; not counted again
    assert sorted(digits) == [1, 1, 1, 7, 7]
    after = scrape(client)
    assert value(after, "digitpad_predictions_total", digit="1") == 3
    assert value(after, "digitpad_predictions_total", digit="7") == 2
    assert sum(value(after, "digitpad_predictions_total", digit=str(d)) for d in range(10)) == 5


def test_the_active_model_version_is_read_at_each_scrape(client: TestClient) -> None:
    served = client.get("/api/model").json()["version"]
    assert value(scrape(client), "digitpad_model_info", version=served) == 1
    state = client.app.state  # type: ignore[attr-defined]
    real, state.model = state.model, SimpleNamespace(version="20990101-switched")
    try:
        samples = scrape(client)
    finally:
        state.model = real
    assert value(samples, "digitpad_model_info", version="20990101-switched") == 1
    assert value(samples, "digitpad_model_info", version=served) == 0


def test_refused_requests_are_counted_under_their_route(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, rate_limit_predict="1/minute")
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            client.post("/predict", json=strokes_body(one()))
        samples = scrape(client)
    assert requests(samples, "POST", "/predict", 200) == 1
    assert requests(samples, "POST", "/predict", 429) == 2


def test_each_app_has_its_own_registry(client: TestClient, tmp_path: Path) -> None:
    client.post("/predict", json=strokes_body(one()))
    with TestClient(create_app(make_settings(tmp_path / "other"))) as other:
        assert requests(scrape(other), "POST", "/predict", 200) == 0
    assert requests(scrape(client), "POST", "/predict", 200) == 1
