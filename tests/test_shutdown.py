"""SIGTERM drains: requests already being handled are answered in full, then the server
exits cleanly. A real server process and real concurrent clients."""

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.server import server_process

pytestmark = pytest.mark.server  # starts a real server or database

CLIENTS = 12
# A batch big enough to take a while: 128 sevens of 60 points each.
SEVEN = [
    [[60 + i, 50 + i % 3] for i in range(0, 160, 4)] + [[200 - i, 60 + 4 * i] for i in range(40)]
]
BATCH = {
    "items": [{"strokes": SEVEN, "canvas": {"width": 280, "height": 280}}] * 128,
}


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_answers_the_requests_in_flight_then_exits(tmp_path: Path, workers: int) -> None:
    env = {
        "DIGITPAD_RATE_LIMIT_PREDICT": "off",
        "DIGITPAD_DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
    }
    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()

    def ask(url: str, connected: threading.Barrier) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            client.get("/healthz")  # the server has accepted this connection
            connected.wait()
            try:
                response = client.post("/predict/batch", json=BATCH)
                outcome = f"{response.status_code} {len(response.json()['predictions'])}"
            except httpx.HTTPError as error:
                outcome = f"broken: {type(error).__name__}"  # accepted, then dropped: a bug
        with lock:
            outcomes.append((outcome, time.monotonic()))

    with server_process(env, tmp_path / "server.log", workers=workers) as server:
        connected = threading.Barrier(CLIENTS + 1)
        threads = [
            threading.Thread(target=ask, args=(server.url, connected)) for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        connected.wait()
        time.sleep(0.5)  # the requests are in, and being worked on
        terminated = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join()
        # uvicorn shuts down cleanly, then ends by the signal it got, as is the convention.
        assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in (tmp_path / "server.log").read_text()
    kinds = {outcome for outcome, _ in outcomes}
    assert kinds == {"200 128"}, outcomes
    # Some answers came after the signal: those requests were drained, not dropped.
    assert any(o == "200 128" and t > terminated for o, t in outcomes), outcomes
