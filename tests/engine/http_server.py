"""A real HTTP server on 127.0.0.1 for download tests: never the internet."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes = b""
    status: int = 200
    location: str = ""  # sent as Location, for redirects
    cut_short: bool = False  # announce the whole body but send half of it, then hang up


@dataclass
class Server:
    """The local HTTP server: its routes and the paths it was asked for, in order."""

    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def mirror(self, prefix: str, bodies: dict[str, bytes]) -> str:
        """Serve each body at /prefix/NAME.gz; return the mirror's base URL."""
        for name, body in bodies.items():
            self.routes[f"/{prefix}/{name}.gz"] = Route(body=body)
        return f"{self.base}/{prefix}/"


@contextmanager
def serve() -> Iterator[Server]:
    """A ThreadingHTTPServer on 127.0.0.1 (a free port), answering from ``routes``."""
    state = Server(base="")  # the base URL is known once the port is chosen

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            route = state.routes.get(self.path, Route(status=404))
            self.send_response(route.status)
            self.send_header("Content-Length", str(len(route.body)))
            if route.location:
                self.send_header("Location", route.location)
            self.end_headers()
            self.wfile.write(route.body[: len(route.body) // 2] if route.cut_short else route.body)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens, so connecting fails."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
