"""A server whose PostgreSQL goes away: it starts anyway, says it is not ready, answers
503 (never 500) where it needs the database, and recovers by itself when it comes back.
A real server process and a real PostgreSQL server, stopped and started."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.postgres_cluster import Cluster
from tests.server import running_server

pytestmark = pytest.mark.server  # starts a real server or database

SEVEN = {"strokes": [[[60, 50], [220, 52], [120, 240]]], "canvas": {"width": 280, "height": 280}}


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    found = Cluster()
    yield found
    found.remove()


def wait_for_ready(url: str, ready: bool, timeout: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{url}/readyz")
        if (response.status_code == 200) == ready or time.monotonic() > deadline:
            assert (response.status_code == 200) == ready, response.text
            return dict(response.json())
        time.sleep(0.2)


def test_postgres_stopped_and_started_again(cluster: Cluster, tmp_path: Path) -> None:
    env = {"DIGITPAD_DATABASE_URL": cluster.url, "DIGITPAD_RATE_LIMIT_SAMPLES": "off"}
    # The database is down when the server starts: it starts, but is not ready.
    with running_server(env, tmp_path / "server.log") as url:
        status = wait_for_ready(url, ready=False)
        assert status["database"] == "unreachable: not connected yet"
        assert httpx.post(f"{url}/predict", json=SEVEN).json()["digit"] == 7
        refused = httpx.post(f"{url}/api/samples", json={**SEVEN, "label": 7})
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert "database is unavailable" in refused.json()["detail"]

        cluster.start()  # it connects by itself
        wait_for_ready(url, ready=True)
        saved = httpx.post(f"{url}/api/samples", json={**SEVEN, "label": 7})
        assert saved.status_code == 201, saved.text

        cluster.stop()  # lost while running: 503 everywhere it matters, no 500
        status = wait_for_ready(url, ready=False)
        assert str(status["database"]).startswith("unreachable")
        for response in (
            httpx.post(f"{url}/api/samples", json={**SEVEN, "label": 7}),
            httpx.get(f"{url}/api/samples"),
        ):
            assert response.status_code == 503, response.text
        assert httpx.post(f"{url}/predict", json=SEVEN).status_code == 200
        mine = httpx.post(f"{url}/predict", json={**SEVEN, "contributor": "someone"})
        assert mine.status_code == 200 and mine.json()["personal"] is None  # the network alone

        cluster.start()  # and back again, with what was stored
        wait_for_ready(url, ready=True)
        listed = httpx.get(f"{url}/api/samples").json()["items"]
        assert [s["id"] for s in listed] == [saved.json()["id"]]
