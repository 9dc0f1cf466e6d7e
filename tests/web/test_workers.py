"""`digitpad serve --workers N`: each worker on a socket of its own, connections spread
over them, a dead worker replaced. Real server processes and real connections."""

import json
import os
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from app.cli import main
from app.web.runtime.workers import CAN_SHARE_PORT
from tests.server import free_port, server_process

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not CAN_SHARE_PORT, reason="SO_REUSEPORT balancing is Linux's"),
]
CONNECTIONS = 16


def workers_of(parent: int) -> set[int]:
    """The worker processes of a ``digitpad serve`` (not multiprocessing's helpers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in command:
            found.add(int(entry.name))
    return found


def answering_pids(log: Path, path: str) -> list[int]:
    """The pid of the worker that answered each request for ``path``, from the JSON log."""
    pids = []
    for text in log.read_text().splitlines():
        if text.startswith("{"):
            line = json.loads(text)
            if line.get("logger") == "digitpad.access" and line.get("path") == path:
                pids.append(line["pid"])
    return pids


def test_connections_opened_together_are_spread_over_the_workers(tmp_path: Path) -> None:
    env = {"DIGITPAD_DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}
    with server_process(env, tmp_path / "server.log", workers=2) as server:
        port = int(server.url.rsplit(":", 1)[1])
        # All connected before any request, as a load balancer's kept-alive pool is: with
        # one shared socket, the first worker to wake accepts them all.
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
        try:
            for sock in sockets:
                sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: test\r\n\r\n")
            for sock in sockets:
                assert sock.recv(4096).startswith(b"HTTP/1.1 ")
        finally:
            for sock in sockets:
                sock.close()
        time.sleep(0.5)  # the log lines are written
        pids = answering_pids(tmp_path / "server.log", "/readyz")
    assert len(pids) == CONNECTIONS
    # A hash of each connection's addresses picks its worker: all 16 on one of two workers
    # would happen once in 30,000 runs.
    assert len(set(pids)) == 2, pids


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    env = {"DIGITPAD_DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}
    with server_process(env, tmp_path / "server.log", workers=2) as server:
        first = workers_of(server.process.pid)
        assert len(first) == 2
        os.kill(min(first), signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (now := workers_of(server.process.pid)) == first or len(now) < 2:
            assert time.monotonic() < deadline, f"still {now} after killing {min(first)}"
            time.sleep(0.2)
        assert min(first) not in now and max(first) in now
        for _ in range(10):  # whichever worker answers, it answers
            deadline = time.monotonic() + 30
            while httpx.get(f"{server.url}/readyz").status_code != 200:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
    assert workers_of(server.process.pid) == set()


def test_a_port_already_taken_is_one_clear_error() -> None:
    port = free_port()
    with socket.socket() as taken:  # bound without SO_REUSEPORT: nobody can share it
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = CliRunner().invoke(main, ["serve", "--workers", "2", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
