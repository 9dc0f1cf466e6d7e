"""Per-client rate limits on the costly POST routes (pure ASGI middleware).

Each limited route belongs to a bucket: "predict" (``POST /predict``, ``/predict/batch``,
``/predict/number``, ``/explain``, one budget shared by them) and "samples" (``POST
/api/samples`` and ``/api/numbers``). A
client is the connection's IP address (``scope["client"]``, which uvicorn rewrites from
``X-Forwarded-For`` only for the proxies its ``--forwarded-allow-ips`` trusts). Counts
(app/web/counts.py) are moving windows: at most N requests in any window of the rate's
length. They live in the process (each worker counts alone) or, with a Redis URL, in
Redis, shared by every worker of every machine.

Over the limit the answer is 429 with ``Retry-After`` (seconds) and a JSON ``detail``.
If Redis cannot be reached the limiter fails open: requests pass, a warning is logged
(at most once a minute), and Redis is not asked again for a few seconds.
"""

import json
import logging

from limits import RateLimitItem
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings, parse_rate
from app.web.counts import Counts

log = logging.getLogger("digitpad.ratelimit")

# (method, path) -> bucket. Paths are matched exactly: anything else is never limited.
BUCKETS: dict[tuple[str, str], str] = {
    ("POST", "/predict"): "predict",
    ("POST", "/predict/batch"): "predict",
    ("POST", "/predict/number"): "predict",
    ("POST", "/explain"): "predict",
    ("POST", "/api/samples"): "samples",
    ("POST", "/api/numbers"): "samples",
}
WHAT = {"predict": "predictions", "samples": "contributed drawings"}


class Rejected(Exception):
    """A request over its bucket's limit; ``retry_after`` in whole seconds (at least 1)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimiter:
    """The buckets' limits over one storage (memory, or Redis at ``redis_url``)."""

    def __init__(self, limits: dict[str, list[RateLimitItem]], redis_url: str | None) -> None:
        self.limits = {bucket: items for bucket, items in limits.items() if items}
        self.counts = Counts(redis_url, log, "rate limits")

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimiter":
        rates = {"predict": settings.rate_limit_predict, "samples": settings.rate_limit_samples}
        return cls({b: parse_rate(rate) for b, rate in rates.items()}, settings.redis_url)

    async def check(self, bucket: str, client: str) -> None:
        """Count one request of ``client`` in ``bucket``; raise Rejected when over a limit."""
        items = self.limits.get(bucket)
        if not items or self.counts.paused():
            return
        try:
            for item in items:
                if not await self.counts.strategy.hit(item, bucket, client):
                    wait = await self.counts.retry_after(item, bucket, client)
                    raise Rejected(
                        f"too many {WHAT[bucket]} from this address: at most {item}; "
                        f"retry in {wait} s",
                        wait,
                    )
        except Rejected:
            raise
        except Exception as error:  # the storage is down: fail open, say so now and then
            self.counts.failed(error)

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        await self.counts.close()


class RateLimitMiddleware:
    """Answer 429 to requests over their bucket's limit; others pass untouched."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = get_route_path(scope)  # without the root path a proxy may mount us under
        bucket = BUCKETS.get((scope["method"], path))
        if bucket is not None:
            client = scope.get("client")
            try:
                await self.limiter.check(bucket, client[0] if client else "unknown")
            except Rejected as rejected:
                # Refused before routing: name the route for the request log and metrics.
                scope.setdefault("state", {})["route_template"] = path
                await _refuse(send, rejected)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, rejected: Rejected) -> None:
    body = json.dumps({"detail": str(rejected)}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(rejected.retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
