"""One JSON line per request on stderr; never a header, so never the admin token."""

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web.app import create_app
from app.web.middleware.observability import JsonFormatter
from tests.web.conftest import ADMIN, ADMIN_TOKEN, make_settings, one, strokes_body

FIELDS = {"method", "path", "route", "status", "ms", "model", "client", "request_id"}


def lines(logs: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The request log's records, formatted and parsed back as the JSON lines they are."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in logs.records if r.name == "digitpad.access"]


def test_a_prediction_is_one_json_line(client: TestClient, logs: pytest.LogCaptureFixture) -> None:
    model = client.get("/api/model").json()["version"]
    logs.clear()
    response = client.post(
        "/predict", json=strokes_body(one()), headers={"X-Request-ID": "draw-42.a_b"}
    )
    assert response.headers["x-request-id"] == "draw-42.a_b"
    [line] = lines(logs)
    assert set(line) >= FIELDS
    assert line["method"] == "POST" and line["path"] == "/predict" and line["route"] == "/predict"
    assert line["status"] == 200 and line["model"] == model
    assert line["client"] == "testclient" and line["request_id"] == "draw-42.a_b"
    assert isinstance(line["ms"], float) and 0 < line["ms"] < 10_000
    assert line["level"] == "info" and line["logger"] == "digitpad.access"
    assert line["pid"] == os.getpid()  # the worker that answered
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", line["time"])


def test_lines_name_the_route_template_and_no_model_where_none_answered(
    client: TestClient, logs: pytest.LogCaptureFixture
) -> None:
    sample_id = client.post("/api/samples", json=strokes_body(one(), label=1)).json()["id"]
    logs.clear()
    client.get(f"/api/samples/{sample_id}?x=1")
    client.get("/nowhere")
    first, second = lines(logs)
    assert first["path"] == f"/api/samples/{sample_id}"
    assert first["route"] == "/api/samples/{sample_id:int}" and first["model"] is None
    assert second["status"] == 404 and second["route"] == "<unmatched>"


def test_request_ids_are_made_when_missing_or_unfit(
    client: TestClient, logs: pytest.LogCaptureFixture
) -> None:
    logs.clear()
    given = [client.get("/healthz", headers={"X-Request-ID": v}) for v in ("a b", "x" * 65)]
    given.append(client.get("/healthz"))
    ids = [line["request_id"] for line in lines(logs)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 3
    assert [r.headers["x-request-id"] for r in given] == ids


def test_the_admin_token_is_never_logged(
    client: TestClient, logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    sample_id = client.post("/api/samples", json=strokes_body(one(), label=1)).json()["id"]
    logs.clear()
    capsys.readouterr()
    url = f"/api/samples/{sample_id}"
    assert client.patch(url, json={"label": 7}, headers=ADMIN).status_code == 200
    wrong = {"Authorization": f"Bearer {ADMIN_TOKEN}-but-wrong"}
    assert client.delete(url, headers=wrong).status_code == 401
    assert client.delete(url, headers=ADMIN).status_code == 204
    records = [r for r in logs.records if r.name == "digitpad.access"]
    assert [json.loads(JsonFormatter().format(r))["status"] for r in records] == [200, 401, 204]
    for record in records:
        assert ADMIN_TOKEN not in JsonFormatter().format(record)
        assert ADMIN_TOKEN not in repr(vars(record))
    written = capsys.readouterr().err  # what the stderr handler actually wrote
    assert written.count('"logger": "digitpad.access"') == 3
    assert ADMIN_TOKEN not in written and "Bearer" not in written


def test_the_stderr_lines_are_json(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    client.post("/predict", json=strokes_body(one()))
    [line] = [json.loads(s) for s in capsys.readouterr().err.splitlines() if s.startswith("{")]
    assert line["path"] == "/predict" and line["status"] == 200


def test_a_failing_request_is_logged_as_500(tmp_path: Path, logs: pytest.LogCaptureFixture) -> None:
    app: FastAPI = create_app(make_settings(tmp_path))

    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        logs.clear()
        assert client.get("/boom").status_code == 500
    [line] = lines(logs)
    assert line["status"] == 500 and line["route"] == "/boom"
    assert logging.getLogger("digitpad").propagate is False
