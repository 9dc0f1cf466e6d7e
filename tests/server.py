"""A real digitpad server in a subprocess, for the end-to-end tests."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

# The tests and benchmarks that drive a real server send far more requests than people
# drawing do: no rate limits or quotas there unless ``env`` sets them
# (tests/web/test_ratelimit.py and test_quotas.py test them).
NO_RATE_LIMITS = {
    "DIGITPAD_RATE_LIMIT_PREDICT": "off",
    "DIGITPAD_RATE_LIMIT_SAMPLES": "off",
    "DIGITPAD_CONTRIBUTOR_QUOTA": "off",
    "DIGITPAD_ADDRESS_QUOTA": "off",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running ``digitpad serve`` process and its base URL."""

    process: subprocess.Popen[bytes]
    url: str


@contextmanager
def server_process(
    env: dict[str, str], log_path: Path, *, workers: int = 1, timeout: float = 30
) -> Iterator[Server]:
    """Start ``digitpad serve`` with ``env`` added to the environment; yield it once
    /healthz answers; stop it at the end (if the test has not killed it already)."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **NO_RATE_LIMITS, **env}, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {log_path.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {log_path.read_text()[-3000:]}")
                time.sleep(0.1)
            yield Server(process, url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running_server(
    env: dict[str, str], log_path: Path, *, workers: int = 1, timeout: float = 30
) -> Iterator[str]:
    """`server_process`, yielding only the base URL."""
    with server_process(env, log_path, workers=workers, timeout=timeout) as server:
        yield server.url
