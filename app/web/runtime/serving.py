"""How the server process runs: one BLAS thread per worker, Nagle's algorithm off, the
objects made at startup kept out of garbage collection.

Three measurements (bench/load.py) behind these:

- NumPy's BLAS (OpenBLAS) starts a thread per core for every matrix product. A server
  answers many small requests at once, each with small products, so those threads only
  fight the request threads: with one BLAS thread a 32-drawing batch took 36 ms instead
  of 85, a single prediction 2.3 ms of CPU instead of 3.4. `one_blas_thread` holds that
  limit while the app runs (training keeps every core: it runs outside the server).
- uvicorn with ``--workers`` above 1 opens the shared listening socket without naming
  TCP, so asyncio never turns TCP_NODELAY on for its connections, and every answer after
  the first on a kept-alive connection waits ~40 ms for the client's delayed ACK
  (uvicorn issue 3149). `NoDelayH11Protocol` sets it on each connection.
- Python's garbage collector now and then scans every object it tracks. A started app
  holds about 150,000 (FastAPI, pydantic, SQLAlchemy, the model's card), and one full scan
  took 70 ms: the p99 of contributions at concurrency 16 was that scan. `startup_frozen`
  moves the objects alive once the app has started out of the collector's sight while it
  serves, so a scan only sees what requests made.
"""

import asyncio
import gc
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits
from uvicorn.protocols.http.h11_impl import H11Protocol


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread in this process while the block runs."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def startup_frozen() -> Iterator[None]:
    """Exempt every object alive from collections while the block runs; after it, they
    are collected as usual again. No collection first: a started app has some 900
    unreachable objects among its 160,000, not worth a full scan (about 80 ms) at every
    start; they are freed after the block like the rest."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off on the TCP connection behind ``transport`` (if TCP)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with TCP_NODELAY on every connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
