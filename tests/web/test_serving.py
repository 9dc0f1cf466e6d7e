import gc
import socket
from pathlib import Path

from fastapi.testclient import TestClient
from threadpoolctl import threadpool_info

from app.web.app import create_app
from app.web.runtime.serving import one_blas_thread, set_nodelay, startup_frozen
from tests.web.conftest import make_settings


class Transport:
    """The one thing `set_nodelay` asks of an asyncio transport."""

    def __init__(self, sock: socket.socket | None) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> socket.socket | None:
        return self.sock if name == "socket" else None


def test_nodelay_is_set_on_a_tcp_connection() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname()):
        accepted, _ = server.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            set_nodelay(Transport(accepted))  # type: ignore[arg-type]
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    set_nodelay(Transport(None))  # type: ignore[arg-type]  # a pipe: nothing to do
    left, right = socket.socketpair()  # Unix sockets have no Nagle's algorithm
    with left, right:
        set_nodelay(Transport(left))  # type: ignore[arg-type]


def test_one_blas_thread_while_the_block_runs() -> None:
    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    assert before, "NumPy's BLAS is not visible to threadpoolctl"
    with one_blas_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def collected() -> set[int]:
    """The ids of the objects the garbage collector scans (frozen ones are not listed)."""
    return {id(o) for o in gc.get_objects()}


def test_startup_frozen_hides_living_objects_from_the_collector_while_it_runs() -> None:
    living = [[i] for i in range(3)]
    assert {id(x) for x in living} <= collected()
    with startup_frozen():
        assert gc.get_freeze_count() > 0
        assert not {id(x) for x in living} & collected()
        later = [4]  # made after the freeze: scanned as usual
        assert id(later) in collected()
    assert gc.get_freeze_count() == 0
    assert {id(x) for x in living} <= collected()


def test_the_app_freezes_what_it_made_at_startup_while_it_serves(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))
    with TestClient(app):
        assert id(app.state.model) not in collected()
        assert id(app.state.store) not in collected()
    assert id(app.state.model) in collected()
