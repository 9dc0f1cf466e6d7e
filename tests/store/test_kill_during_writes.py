"""A server killed with SIGKILL in the middle of a burst of contributions loses nothing it
acknowledged, and leaves a database that opens, checks clean and serves again.

Runs once on SQLite and once on PostgreSQL, with a real server process and real clients.
"""

import signal
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import text

from app.store import open_store
from tests.server import server_process

pytestmark = pytest.mark.server  # starts a real server or database

CLIENTS = 8
KILL_AFTER = 120  # acknowledged samples before the kill


def drawing(client: int, n: int) -> dict[str, object]:
    """A seven, moved a little for each request, labelled with the client's digit."""
    dx = (client * 7 + n) % 30
    return {
        "strokes": [[[40 + dx, 40], [240 - dx, 44], [120, 250]]],
        "canvas": {"width": 280, "height": 280},
        "label": client % 10,
        "contributor": f"client-{client}",
    }


def burst(url: str, client: int, acked: dict[int, tuple[int, str]], lock: threading.Lock) -> None:
    """Contribute until the server goes away; record each acknowledged sample."""
    with httpx.Client(base_url=url, timeout=10) as http:
        for n in range(100_000):
            key = f"{client}-{n}"
            try:
                response = http.post(
                    "/api/samples", json=drawing(client, n), headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                return  # killed: this one was never acknowledged
            assert response.status_code == 201, response.text
            with lock:
                acked[response.json()["id"]] = (client % 10, f"client-{client}")


def test_sigkill_during_a_write_burst_keeps_every_acknowledged_sample(
    database_url: str, tmp_path: Path
) -> None:
    env = {
        "DIGITPAD_DATABASE_URL": database_url,
        "DIGITPAD_RATE_LIMIT_SAMPLES": "off",
        "DIGITPAD_RATE_LIMIT_PREDICT": "off",
    }
    acked: dict[int, tuple[int, str]] = {}
    lock = threading.Lock()
    with server_process(env, tmp_path / "server.log") as server:
        threads = [
            threading.Thread(target=burst, args=(server.url, c, acked, lock))
            for c in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acked) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        server.process.send_signal(signal.SIGKILL)  # mid-burst: requests are in flight
        server.process.wait()
        for thread in threads:
            thread.join()
    assert len(acked) >= KILL_AFTER

    store = open_store(database_url)
    try:
        if database_url.startswith("sqlite"):
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        stored = {s.id: s for s in store.iter_all()}
        missing = set(acked) - set(stored)
        assert not missing, f"acknowledged but lost: {sorted(missing)[:10]}"
        for sample_id, (label, contributor) in acked.items():
            sample = stored[sample_id]
            assert (sample.label, sample.contributor) == (label, contributor)
            assert sample.pixels.shape == (28, 28) and sample.pixels.dtype == np.uint8
            assert sample.pixels.any()
        # Anything committed but not acknowledged (in flight at the kill) is whole too.
        assert all(s.pixels.shape == (28, 28) and s.strokes for s in stored.values())
        count = len(stored)
    finally:
        store.close()

    # The database serves again, with everything in it.
    with server_process(env, tmp_path / "again.log") as server:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        assert httpx.get(f"{server.url}/api/stats").json()["total"] == count
