"""CORS: closed by default; configured origins may call the prediction routes, nothing else."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.web.app import create_app
from tests.web.conftest import ADMIN, make_settings, one, strokes_body

SITE = "https://draw.example.org"
PREDICTION_PATHS = ("/predict", "/predict/batch", "/explain")


def preflight(
    client: TestClient, path: str, origin: str = SITE, method: str = "POST"
) -> httpx.Response:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )


@pytest.fixture
def open_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, cors_origins=[SITE, "http://localhost:3000"])
    with TestClient(create_app(settings)) as client:
        yield client


def test_no_cors_headers_by_default(client: TestClient) -> None:
    answer = client.post("/predict", json=strokes_body(one()), headers={"Origin": SITE})
    assert answer.status_code == 200
    assert not any(h.startswith("access-control-") for h in answer.headers)
    for path in PREDICTION_PATHS:
        refused = preflight(client, path)
        assert "access-control-allow-origin" not in refused.headers


def test_a_configured_origin_may_call_the_prediction_routes(open_client: TestClient) -> None:
    for path in PREDICTION_PATHS:
        allowed = preflight(open_client, path)
        assert allowed.status_code == 200, path
        headers = allowed.headers
        assert headers["access-control-allow-origin"] == SITE
        assert "POST" in headers["access-control-allow-methods"]
        assert "content-type" in headers["access-control-allow-headers"].lower()
    answer = open_client.post("/predict", json=strokes_body(one()), headers={"Origin": SITE})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == SITE
    assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()


def test_other_origins_are_not_allowed(open_client: TestClient) -> None:
    refused = preflight(open_client, "/predict", origin="https://evil.example")
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    answer = open_client.post(
        "/predict", json=strokes_body(one()), headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in answer.headers


def test_samples_and_admin_routes_never_answer_cors(open_client: TestClient) -> None:
    posted = open_client.post(
        "/api/samples", json=strokes_body(one(), label=1), headers={"Origin": SITE}
    )
    assert posted.status_code == 201
    assert "access-control-allow-origin" not in posted.headers
    url = f"/api/samples/{posted.json()['id']}"
    for method in ("PATCH", "DELETE"):
        refused = preflight(open_client, url, method=method)
        assert "access-control-allow-origin" not in refused.headers
    patched = open_client.patch(url, json={"label": 7}, headers={**ADMIN, "Origin": SITE})
    assert patched.status_code == 200 and "access-control-allow-origin" not in patched.headers
    finetune = preflight(open_client, "/api/admin/finetune")
    assert "access-control-allow-origin" not in finetune.headers


def test_a_429_carries_cors_headers_so_the_page_can_read_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, cors_origins=[SITE], rate_limit_predict="1/minute")
    with TestClient(create_app(settings)) as client:
        client.post("/predict", json=strokes_body(one()), headers={"Origin": SITE})
        refused = client.post("/predict", json=strokes_body(one()), headers={"Origin": SITE})
    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == SITE
    assert "retry-after" in refused.headers["access-control-expose-headers"].lower()


def test_origins_are_read_as_a_comma_list_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_CORS_ORIGINS", f"{SITE}, http://localhost:3000")
    assert Settings().cors_origins == [SITE, "http://localhost:3000"]
    monkeypatch.setenv("DIGITPAD_CORS_ORIGINS", "")
    assert Settings().cors_origins == []
    monkeypatch.setenv("DIGITPAD_CORS_ORIGINS", "*")
    assert Settings().cors_origins == ["*"]
    for bad in (f"{SITE}/", "draw.example.org", f"{SITE}/app"):
        monkeypatch.setenv("DIGITPAD_CORS_ORIGINS", bad)
        with pytest.raises(ValidationError, match="expected origins like"):
            Settings()
