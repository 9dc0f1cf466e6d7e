"""Rate limits per client on the costly POST routes: in memory, and shared through Redis.

The Redis cases use the server named by ``DIGITPAD_TEST_REDIS_URL`` (``eval "$(bash
.ci/start-redis)"`` starts one). Unset, they are skipped, except under ``CI=true``, where
they fail; set but unreachable, they fail. Each test counts under client addresses of its
own, so runs never see each other's counts.
"""

import logging
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.config import Settings
from app.web.app import create_app
from tests.web.conftest import a_client, make_settings, one, seven, strokes_body

DRAWING = strokes_body(one())


@pytest.fixture
def apps() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def start(stack: ExitStack, app: FastAPI, client: tuple[str, int] | None = None) -> TestClient:
    return stack.enter_context(TestClient(app, client=client or a_client()))


def limited(tmp_path: Path, name: str = "app", **overrides: object) -> FastAPI:
    settings = {"rate_limit_predict": "3/minute", "rate_limit_samples": "2/minute", **overrides}
    return create_app(make_settings(tmp_path / name, **settings))


def test_the_fourth_request_in_a_minute_gets_429_with_retry_after(
    tmp_path: Path, apps: ExitStack
) -> None:
    client = start(apps, limited(tmp_path))
    for _ in range(3):
        assert client.post("/predict", json=DRAWING).status_code == 200
    refused = client.post("/predict", json=DRAWING)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["detail"].startswith("too many predictions from this address")
    assert "3 per 1 minute" in refused.json()["detail"]


def test_predict_batch_and_explain_share_one_budget(tmp_path: Path, apps: ExitStack) -> None:
    client = start(apps, limited(tmp_path))
    assert client.post("/predict", json=DRAWING).status_code == 200
    batch = {"items": [DRAWING, strokes_body(seven())]}
    assert client.post("/predict/batch", json=batch).status_code == 200
    assert client.post("/explain", json=DRAWING).status_code == 200
    for path, body in (("/predict", DRAWING), ("/predict/batch", batch), ("/explain", DRAWING)):
        assert client.post(path, json=body).status_code == 429, path


def test_samples_have_their_own_limit(tmp_path: Path, apps: ExitStack) -> None:
    client = start(apps, limited(tmp_path))
    for _ in range(3):
        client.post("/predict", json=DRAWING)
    sample = strokes_body(one(), label=1)
    assert [client.post("/api/samples", json=sample).status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert client.get("/api/stats").json()["total"] == 2


def test_limits_hold_under_a_root_path(tmp_path: Path, apps: ExitStack) -> None:
    app = limited(tmp_path, rate_limit_predict="1/minute")
    # As uvicorn --root-path passes it: the full path, and the prefix in root_path.
    client = apps.enter_context(TestClient(app, root_path="/digitpad", client=a_client()))
    assert client.post("/digitpad/predict", json=DRAWING).status_code == 200
    assert client.post("/digitpad/predict", json=DRAWING).status_code == 429


def test_reads_and_health_checks_are_never_limited(tmp_path: Path, apps: ExitStack) -> None:
    client = start(apps, limited(tmp_path, rate_limit_predict="1/minute"))
    client.post("/predict", json=DRAWING)
    assert client.post("/predict", json=DRAWING).status_code == 429
    for path in ("/healthz", "/readyz", "/api/samples", "/api/model", "/", "/metrics"):
        assert [client.get(path).status_code for _ in range(5)] == [200] * 5, path


def test_off_disables_a_limit(tmp_path: Path, apps: ExitStack) -> None:
    client = start(apps, limited(tmp_path, rate_limit_predict="off"))
    assert [client.post("/predict", json=DRAWING).status_code for _ in range(10)] == [200] * 10
    sample = strokes_body(one(), label=1)
    assert [client.post("/api/samples", json=sample).status_code for _ in range(3)][-1] == 429


def test_clients_are_told_apart_by_address(tmp_path: Path, apps: ExitStack) -> None:
    # Behind a proxy that uvicorn trusts (--forwarded-allow-ips), the client is the
    # address the proxy forwards; from an untrusted peer the header is ignored.
    app = limited(tmp_path, rate_limit_predict="1/minute")
    trusting = start(apps, ProxyHeadersMiddleware(app, trusted_hosts="*"))  # type: ignore[arg-type]

    def post(forwarded_for: str) -> int:
        headers = {"x-forwarded-for": forwarded_for}
        return trusting.post("/predict", json=DRAWING, headers=headers).status_code

    assert [post("203.0.113.1"), post("203.0.113.2"), post("203.0.113.1")] == [200, 200, 429]

    untrusting_app = limited(tmp_path, "untrusting", rate_limit_predict="1/minute")
    proxied = ProxyHeadersMiddleware(untrusting_app, trusted_hosts="192.0.2.9")  # type: ignore[arg-type]
    untrusting = start(apps, proxied)
    statuses = [
        untrusting.post("/predict", json=DRAWING, headers={"x-forwarded-for": f"203.0.113.{i}"})
        for i in range(2)
    ]
    assert [r.status_code for r in statuses] == [200, 429]


def test_in_memory_counts_are_per_process(tmp_path: Path, apps: ExitStack) -> None:
    client = a_client()
    first = start(apps, limited(tmp_path, "a", rate_limit_predict="2/minute"), client)
    second = start(apps, limited(tmp_path, "b", rate_limit_predict="2/minute"), client)
    assert [first.post("/predict", json=DRAWING).status_code for _ in range(3)] == [200, 200, 429]
    assert second.post("/predict", json=DRAWING).status_code == 200


def test_two_apps_on_one_redis_share_the_count(
    tmp_path: Path, apps: ExitStack, redis_url: str
) -> None:
    client = a_client()
    first = start(apps, limited(tmp_path, "a", redis_url=redis_url), client)
    second = start(apps, limited(tmp_path, "b", redis_url=redis_url), client)
    assert first.post("/predict", json=DRAWING).status_code == 200
    assert second.post("/predict", json=DRAWING).status_code == 200
    assert first.post("/predict", json=DRAWING).status_code == 200
    refused = second.post("/predict", json=DRAWING)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert first.post("/predict", json=DRAWING).status_code == 429
    # Another address still has its whole budget.
    other = start(apps, limited(tmp_path, "c", redis_url=redis_url))
    assert other.post("/predict", json=DRAWING).status_code == 200


def test_an_unreachable_redis_fails_open_with_one_warning(
    tmp_path: Path, apps: ExitStack, logs: pytest.LogCaptureFixture
) -> None:
    app = limited(tmp_path, rate_limit_predict="1/minute", redis_url="redis://127.0.0.1:1/0")
    client = start(apps, app)
    assert [client.post("/predict", json=DRAWING).status_code for _ in range(3)] == [200] * 3
    warnings = [r for r in logs.records if r.name == "digitpad.ratelimit"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "rate limits not enforced" in warnings[0].getMessage()


def test_a_silent_redis_stalls_one_request_at_most_briefly(
    tmp_path: Path, apps: ExitStack, logs: pytest.LogCaptureFixture
) -> None:
    # A server that takes connections and never answers: the first request waits for the
    # storage's timeout (0.5 s, one try), then Redis is left alone for a few seconds.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        client = start(apps, limited(tmp_path, rate_limit_predict="1/minute", redis_url=url))
        seconds = []
        for _ in range(3):
            started = time.perf_counter()
            assert client.post("/predict", json=DRAWING).status_code == 200
            seconds.append(time.perf_counter() - started)
    assert 0.4 < seconds[0] < 2.0, seconds
    assert sum(seconds[1:]) < 0.4, seconds
    assert any("rate limits not enforced" in r.getMessage() for r in logs.records)


@pytest.mark.parametrize("value", ["lots", "600/fortnight", "0/minute", "600", ""])
def test_a_bad_rate_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValidationError, match="rate_limit_predict"):
        Settings(rate_limit_predict=value)  # type: ignore[call-arg]


def test_rates_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_RATE_LIMIT_PREDICT", " 10/second;600/minute ")
    monkeypatch.setenv("DIGITPAD_RATE_LIMIT_SAMPLES", "OFF")
    monkeypatch.setenv("DIGITPAD_REDIS_URL", "redis://cache.internal:6379/2")
    settings = Settings()
    assert settings.rate_limit_predict == "10/second;600/minute"
    assert settings.rate_limit_samples == "OFF"
    assert settings.redis_url == "redis://cache.internal:6379/2"
    monkeypatch.setenv("DIGITPAD_REDIS_URL", "cache.internal:6379")
    with pytest.raises(ValidationError, match="expected redis://"):
        Settings()
