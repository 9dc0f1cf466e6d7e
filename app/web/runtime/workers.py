"""Several server processes on one port, each listening on a socket of its own.

``uvicorn --workers N`` binds one socket in a parent process and hands it to every worker.
The worker that wakes first accepts every connection waiting (asyncio takes up to the
backlog at once), so connections opened together, as a proxy's or a load generator's
kept-alive ones are, all go to one worker while the others idle: with 16 connections,
bench/load.py saw one worker take every request and 2 workers answer /predict no faster
than 1 (uvicorn discussion 2467). Here each worker binds its own socket with
SO_REUSEPORT, and the kernel spreads new connections across the sockets by a hash of
their addresses.

The parent starts the workers, replaces one that dies, and on SIGTERM or SIGINT passes
SIGTERM on and waits while each worker drains its requests (uvicorn's graceful shutdown).
"""

import logging
import multiprocessing
import os
import signal
import socket
import sys
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("digitpad.workers")
CAN_SHARE_PORT = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")
"""Whether the kernel balances connections over sockets that share a port (Linux)."""


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket listening on ``host``:``port`` that other such sockets may share.

    Raises OSError when the address cannot be bound (taken by another program, say).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def run_worker(config: uvicorn.Config) -> None:
    """One worker process: its own socket, then uvicorn's server until it is stopped."""
    config.configure_logging()  # a new process: uvicorn's loggers are not set up yet
    sock = listening_socket(config.host, config.port, config.backlog)
    uvicorn.Server(config).run(sockets=[sock])


def serve(config: uvicorn.Config, workers: int) -> int:
    """Run ``workers`` worker processes until SIGTERM or SIGINT; the exit status to end
    with: 0, or 1 if a worker could not start (its error is in the log)."""
    listening_socket(config.host, config.port, config.backlog).close()  # fail here, once
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    processes = [_start(spawn, config) for _ in range(workers)]
    status = 0
    while not stopping:
        wait([p.sentinel for p in processes], timeout=0.5)
        for i, process in enumerate(processes):
            if process.is_alive() or stopping:
                continue
            if process.exitcode == STARTUP_FAILURE:  # the app cannot start: neither will another
                log.error("worker %s could not start; stopping", process.pid)
                stopping, status = True, 1
                break
            log.warning("worker %s exited (%s); starting another", process.pid, process.exitcode)
            processes[i] = _start(spawn, config)
    for process in processes:
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join()
    return status


def _start(spawn: multiprocessing.context.SpawnContext, config: uvicorn.Config) -> BaseProcess:
    process = spawn.Process(target=run_worker, args=(config,))
    process.start()
    return process
