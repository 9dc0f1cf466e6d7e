"""GET /api/samples/export?format=ndjson: the drawings streamed in Quick, Draw!'s layout, on
SQLite and PostgreSQL; and a real server's memory while it streams 50,000 of them."""

import dataclasses
import io
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.store import NewSample, SampleStore, StoreUnavailableError, Verdict, open_store
from app.web.app import create_app
from tests.ndjson_reader import assert_line_is, bodies, read_ndjson
from tests.server import server_process
from tests.store.conftest import fresh_schema, postgres_admin  # noqa: F401 (fixture)
from tests.web.conftest import make_settings

EXPORT = "/api/samples/export"
SAMPLES = 50_000
# The most a server's peak memory (VmHWM) may grow while it streams the export of SAMPLES
# drawings: measured 4 to 5 MB, against 344 MB when the export read them all at once
# (the README's section on ndjson gives both).
MEMORY_BOUND_MB = 12


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """A client of an app on an empty database of each backend."""
    with ExitStack() as stack:
        settings = make_settings(tmp_path)
        if request.param == "postgresql":
            admin: Engine = request.getfixturevalue("postgres_admin")
            url = stack.enter_context(fresh_schema(admin, "ndjson"))
            settings = make_settings(tmp_path, database_url=url)
        yield stack.enter_context(TestClient(create_app(settings)))


def store_of(client: TestClient) -> SampleStore:
    store: SampleStore = client.app.state.store  # type: ignore[attr-defined]
    return store


def contribute_all(client: TestClient) -> None:
    """The test drawings, and one sent as pixels only."""
    for body in bodies():
        assert client.post("/api/samples", json=body).status_code == 201
    pixels = {"pixels": [[1.0 if 10 < r < 18 else 0.0 for _ in range(28)] for r in range(28)]}
    assert client.post("/api/samples", json={**pixels, "label": 4}).status_code == 201


def test_every_drawing_is_streamed_as_stored(client: TestClient) -> None:
    contribute_all(client)
    response = client.get(EXPORT, params={"format": "ndjson"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == (
        'attachment; filename="digitpad-samples.ndjson"'
    )
    stored = [s for s in store_of(client).iter_all() if s.strokes is not None]
    records = read_ndjson(response.content)
    assert len(records) == len(stored) == 5  # the pixels-only sample left out
    for record, sample in zip(records, stored, strict=True):
        assert_line_is(record, sample)
    assert b"private-key-1" not in response.content


def test_the_export_keeps_a_label_and_goes_on_after_an_id(client: TestClient) -> None:
    contribute_all(client)
    ids = {s.label: s.id for s in store_of(client).iter_all()}  # the last of each label
    sevens = read_ndjson(client.get(EXPORT, params={"format": "ndjson", "label": 7}).content)
    assert [r["word"] for r in sevens] == ["seven", "seven"]
    after = client.get(EXPORT, params={"format": "ndjson", "since": sevens[0]["key_id"]})
    assert [r["word"] for r in read_ndjson(after.content)] == ["one", "zero", "one", "seven"]
    last = client.get(EXPORT, params={"format": "ndjson", "since": ids[7]})
    assert last.status_code == 200 and last.content == b""
    npz = client.get(EXPORT, params={"format": "npz", "label": 1, "since": sevens[0]["key_id"]})
    with np.load(io.BytesIO(npz.content), allow_pickle=False) as data:
        np.testing.assert_array_equal(data["labels"], [1, 1])  # the filters hold for npz too


@pytest.mark.parametrize(
    "params",
    [{"format": "csv"}, {"label": 10}, {"label": -1}, {"since": -1}, {"since": 2**63}],
    ids=str,
)
def test_bad_filters_are_refused(client: TestClient, params: dict[str, object]) -> None:
    response = client.get(EXPORT, params={"format": "ndjson", **params})
    assert response.status_code == 422, response.text


def test_an_unreachable_database_gets_a_503_before_anything_is_sent(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(**_: object) -> Iterator[object]:
        raise StoreUnavailableError("the database went away")

    monkeypatch.setattr(store_of(client), "iter_matching", down)
    response = client.get(EXPORT, params={"format": "ndjson"})
    assert response.status_code == 503 and response.headers["retry-after"]


def test_the_schema_documents_the_ndjson_export(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][EXPORT]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "application/zip",
        "application/x-ndjson",
    }
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["format"]["enum"] == ["npz", "idx", "ndjson"]
    assert parameters["since"]["minimum"] == 0 and parameters["since"]["maximum"] == 2**63 - 1
    assert set(parameters) == {"format", "label", "since", "status", "authorization"}


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # kB


def drawing(i: int) -> NewSample:
    """A plausible drawing: two strokes of 12 timed points, a prediction shown."""
    rng = np.random.default_rng(i)
    strokes = [
        [[float(x), float(y), 16.0 * (12 * s + k)] for k, (x, y) in enumerate(points)]
        for s, points in enumerate(rng.uniform(20, 260, (2, 12, 2)).round(1))
    ]
    return NewSample(
        label=i % 10,
        pixels=rng.integers(0, 256, (28, 28), dtype=np.uint8),
        strokes=strokes,
        canvas_width=280.0,
        canvas_height=280.0,
        predicted=(i * 7) % 10,
        probabilities=[0.1] * 10,
        model_version="20260101-000000-abcdef",
        source="draw",
        contributor=f"contributor-{i % 300}",
    )


@pytest.mark.server
@pytest.mark.slow  # 50,000 samples written, then streamed: about 20 s
def test_streaming_50000_drawings_keeps_the_servers_memory_bounded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'many.db'}"
    store = open_store(url)
    # Stored as moderated already, so that the server's first start has nothing to score
    # and the export alone is measured.
    accepted = Verdict(status="accepted", support=0.99, trust=0.99)
    for start in range(0, SAMPLES, 5000):
        batch = [
            dataclasses.replace(drawing(i), verdict=accepted) for i in range(start, start + 5000)
        ]
        store.add_many(batch)
    store.close()
    with server_process({"DIGITPAD_DATABASE_URL": url}, tmp_path / "server.log") as server:
        warm = httpx.get(
            server.url + EXPORT, params={"format": "ndjson", "since": SAMPLES - 3}, timeout=30
        )  # the code paths loaded before the peak is read
        assert len(read_ndjson(warm.content)) == 3
        before = peak_memory_mb(server.process.pid)
        last_id = 0
        with httpx.stream(
            "GET", server.url + EXPORT, params={"format": "ndjson"}, timeout=300
        ) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                record = json.loads(line)
                assert int(record["key_id"]) == last_id + 1
                last_id += 1
        growth = peak_memory_mb(server.process.pid) - before
    assert last_id == SAMPLES
    print(f"peak memory grew by {growth:.1f} MB while streaming {SAMPLES} drawings")
    assert growth < MEMORY_BOUND_MB
