"""How much a background fine-tune slows predictions for the people drawing.

Starts a real server (SQLite in a temporary folder), contributes 120 drawings, then
measures POST /predict (one drawing, strokes) from 4 concurrent clients for a while with
nothing else running, and again while an admin fine-tune job runs (its own process, nice
10, one BLAS thread). Prints requests per second and p50/p99 latency for both.

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist .venv/bin/python bench/finetune_impact.py
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

from tests.server import running_server
from tests.shapes import DIGITS, strokes

TOKEN = "bench-token"
DRAWING = {
    "strokes": [[[140, 40], [150, 140], [140, 240]]],
    "canvas": {"width": 280, "height": 280},
}


def load(url: str, seconds: float, clients: int) -> list[float]:
    """Latencies (ms) of /predict calls from ``clients`` threads for ``seconds``."""
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(timeout=10) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status = http.post(f"{url}/predict", json=DRAWING).status_code
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests: {errors[:5]}")
    return latencies


def row(name: str, latencies: list[float], seconds: float) -> str:
    p99 = float(np.percentile(latencies, 99))
    return (
        f"| {name} | {len(latencies) / seconds:.0f} | {statistics.median(latencies):.1f} "
        f"| {p99:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="digitpad-bench-"))
    env = {
        "DIGITPAD_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "DIGITPAD_ADMIN_TOKEN": TOKEN,
    }
    with running_server(env, folder / "server.log") as url:
        rng = np.random.default_rng(0)
        for i in range(120):
            body = {
                "strokes": strokes(DIGITS[i % 10], rng),
                "canvas": {"width": 280, "height": 280},
                "label": i % 10,
                "contributor": f"bench-{i % 12}",
            }
            httpx.post(f"{url}/api/samples", json=body).raise_for_status()
        load(url, 2, args.clients)  # warm up
        idle = load(url, args.seconds, args.clients)

        admin = {"Authorization": f"Bearer {TOKEN}"}
        job = httpx.post(f"{url}/api/admin/finetune", json={"epochs": 50}, headers=admin).json()
        time.sleep(3)  # past loading MNIST, into training
        busy = load(url, args.seconds, args.clients)
        status = httpx.get(f"{url}/api/admin/jobs/{job['id']}", headers=admin).json()
        if status["status"] != "running":
            raise RuntimeError(f"the job ended before the measurement did: {status}")

    print(
        f"/predict, one drawing, {args.clients} concurrent clients, {args.seconds:.0f} s each, "
        f"one server worker on this 2-core machine\n"
    )
    print("| while | requests/s | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(row("nothing else runs", idle, args.seconds))
    print(row(f"a fine-tune runs (job at {status['progress'].get('stage')})", busy, args.seconds))
    print(
        f"\np99 with a fine-tune running: {np.percentile(busy, 99) / np.percentile(idle, 99):.2f}"
        " x the idle p99"
    )


if __name__ == "__main__":
    main()
