"""Anatomy of a prediction: where the server's CPU goes for one POST /predict.

Drives the app in this process through its whole ASGI stack (middleware, routing,
validation, the route, the JSON answer; no sockets, so no HTTP parsing), for GET /healthz
and for POST /predict with the "7" of bench/load.py, then again for /predict with one
step at a time answered from a cache: the difference is what that step costs among real
requests, where caches are colder than in bench/inference.py's loop over one function.
Each figure is CPU time per request, the median of several rounds of interleaved runs.

Run:  .venv/bin/python bench/anatomy.py [--requests 2000] [--rounds 5]
"""

import argparse
import asyncio
import json
import logging
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI
from starlette.types import Message

from app.config import Settings
from app.web.app import create_app
from app.web.routes import predict as route
from bench.load import drawing

# Steps of POST /predict that can be answered from a cache: name -> the route module's
# function that does it.
STEPS = {
    "parsing and validating the JSON body": "parse_drawing",
    "rendering the strokes to 28x28 and their trajectory": "drawing_to_ink",
    "the forward pass and the answer's fields": "predict",
}


@contextmanager
def cached(name: str) -> Iterator[None]:
    """``route.<name>`` returns its first result again on every later call."""
    real = getattr(route, name)
    memo: list[Any] = []

    def once(*args: Any) -> Any:
        if not memo:
            memo.append(real(*args))
        return memo[0]

    setattr(route, name, once)
    try:
        yield
    finally:
        setattr(route, name, real)


async def cpu_per_request(app: FastAPI, method: str, path: str, body: bytes, n: int) -> float:
    """CPU microseconds per request, for ``n`` requests through the app."""
    headers = [(b"host", b"127.0.0.1")]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    statuses = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for _ in range(n):
        await app({**scope, "state": {}}, receive, send)
    seconds = time.process_time() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"{method} {path} answered {sorted(set(statuses))}")
    return seconds / n * 1e6


async def measure(app: FastAPI, requests: int, rounds: int) -> dict[str, float]:
    """The median CPU per request of each run: /healthz, /predict, /predict less each step."""
    body = json.dumps(drawing(np.random.default_rng(0))).encode()
    runs: dict[str, Callable[[], Any]] = {
        "GET /healthz": lambda: cpu_per_request(app, "GET", "/healthz", b"", requests),
        "POST /predict": lambda: cpu_per_request(app, "POST", "/predict", body, requests),
    }
    results: dict[str, list[float]] = {name: [] for name in [*runs, *STEPS]}
    async with app.router.lifespan_context(app):
        for _ in range(rounds + 1):  # the first round warms up and is dropped
            for name, run in runs.items():
                results[name].append(await run())
            for step, function in STEPS.items():
                with cached(function):
                    results[step].append(await runs["POST /predict"]())
    return {name: statistics.median(values[1:]) for name, values in results.items()}


def report(medians: dict[str, float]) -> list[str]:
    """The table: /healthz, /predict, and /predict's CPU split into what /healthz costs
    too, each step, and the rest (its body, dependencies, counting; noise can make it
    negative)."""
    full, health = medians["POST /predict"], medians["GET /healthz"]
    steps = {step: full - medians[step] for step in STEPS}
    lines = [
        "| what | CPU µs per request |",
        "|---|---|",
        f"| GET /healthz | {health:.0f} |",
        f"| POST /predict | {full:.0f} |",
        f"|   of which what /healthz costs too | {health:.0f} |",
    ]
    lines += [f"|   of which {step} | {cost:.0f} |" for step, cost in steps.items()]
    lines.append(f"|   of which the rest | {full - health - sum(steps.values()):.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="Requests per run.")
    parser.add_argument("--rounds", type=int, default=5, help="Runs of each kind.")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # one access log line per request is not the point here
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            rate_limit_predict="off",
            rate_limit_samples="off",
        )
        medians = asyncio.run(measure(create_app(settings), args.requests, args.rounds))
    print(f"machine: {platform.machine()}, in-process ASGI, {args.requests} requests x "
          f"{args.rounds} rounds\n")  # fmt: skip
    print("\n".join(report(medians)))


if __name__ == "__main__":
    main()
