"""What the server tells its operators: one JSON log line per request, and Prometheus metrics.

``ObservabilityMiddleware`` (pure ASGI, outermost) times every request and, once it is
answered, writes one line to the ``digitpad.access`` logger and counts it in the app's
``Metrics``: method, path, route template, status, latency, the model version that answered
(set by ``observe`` in the prediction routes), client address and request id. Headers
are never logged, so neither is the admin token; the query string is left out too.

Metrics live in a registry per app, so per process: with ``--workers N`` each scrape of
``/metrics`` reads the one worker that answered it.
"""

import json
import logging
import re
import sys
import time
import uuid
from collections import Counter as Tally
from collections.abc import Iterable
from datetime import UTC, datetime

from fastapi import Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import InfoMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.schemas import Prediction

log = logging.getLogger("digitpad.access")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # the route of requests no route took (404s, early 413s)
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")  # a caller's X-Request-ID kept if it fits


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger, the process id (which worker),
    message, then its ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging() -> None:
    """Send the ``digitpad`` loggers (INFO and up) to stderr as JSON lines; once per process."""
    logger = logging.getLogger("digitpad")
    if any(isinstance(h, _StderrHandler) for h in logger.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line per record, whatever the root logger does


class _ActiveModel(Collector):
    """``digitpad_model_info{version="..."} 1``, read from the app's state at each scrape."""

    def __init__(self, state: State) -> None:
        self.state = state

    def collect(self) -> Iterable[Metric]:
        model = getattr(self.state, "model", None)  # None before the lifespan has loaded it
        if model is not None:
            yield InfoMetricFamily(
                "digitpad_model",
                "The model version answering predictions.",
                {"version": model.version},
            )


class Metrics:
    """The app's Prometheus metrics, in a registry of its own."""

    def __init__(self, state: State) -> None:
        """``state``: the app's, whose ``model`` (a Reader) is the active version."""
        self.registry = CollectorRegistry()
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "digitpad_http_requests", "HTTP requests answered.", labels, registry=self.registry
        )
        self.latency = Histogram(
            "digitpad_http_request_duration_seconds",
            "Time to answer an HTTP request, in seconds.",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.predictions = Counter(
            "digitpad_predictions",
            "Drawings read by /predict and /predict/batch, by predicted digit.",
            ["digit"],
            registry=self.registry,
        )
        for digit in range(10):
            self.predictions.labels(digit=str(digit))
        self.registry.register(_ActiveModel(state))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)


def observe(
    request: Request, predictions: list[Prediction], *, count: bool = True
) -> list[Prediction]:
    """Note the model version that answered (for the request's log line) and, with
    ``count``, count the predicted digits; returns ``predictions`` unchanged."""
    if predictions:
        request.state.model_version = predictions[0].model
    if count:
        counter = request.app.state.metrics.predictions
        for digit, n in Tally(p.digit for p in predictions).items():
            counter.labels(digit=str(digit)).inc(n)
    return predictions


def metrics_endpoint(request: Request) -> Response:
    """The app's metrics in Prometheus's text format."""
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


class ObservabilityMiddleware:
    """Log and count every HTTP request once it is answered (or has failed: 500)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            matched = getattr(scope.get("route"), "path", None)  # set by the router
            route = matched or state.get("route_template", UNMATCHED)
            self.metrics.observe_request(method, route, status, seconds)
            client = scope.get("client")
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 2),
                "model": state.get("model_version"),
                "client": client[0] if client else None,
                "request_id": request_id,
            }
            log.info("%s %s %d", scope["method"], scope["path"], status, extra={"fields": fields})
