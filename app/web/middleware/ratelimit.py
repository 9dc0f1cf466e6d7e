"""Per-client rate limits on the costly POST routes (pure ASGI middleware).

Each limited route belongs to a bucket: "predict" (``POST /predict``, ``/predict/batch``,
``/predict/number``, ``/explain``, one budget shared by them) and "samples" (``POST
/api/samples`` and ``/api/numbers``). A
client is the connection's IP address (``scope["client"]``, which uvicorn rewrites from
``X-Forwarded-For`` only for the proxies its ``--forwarded-allow-ips`` trusts). Counts use
the moving-window strategy of the ``limits`` package: at most N requests in any window of
the rate's length. They live in the process (each worker counts alone) or, with a Redis
URL, in Redis, shared by every worker of every machine.

Over the limit the answer is 429 with ``Retry-After`` (seconds) and a JSON ``detail``.
If Redis cannot be reached the limiter fails open: requests pass, a warning is logged
(at most once a minute), and Redis is not asked again for ``PAUSE_SECONDS``.
"""

import json
import logging
import math
import time
from typing import Any

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings, parse_rate

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
PAUSE_SECONDS = 5.0  # after a storage failure, let requests through unasked this long
WARN_EVERY_SECONDS = 60.0
REDIS_TIMEOUT_SECONDS = 0.5  # connect and per-command; a slow Redis must not stall requests
KEY_PREFIX = "digitpad"


class Rejected(Exception):
    """A request over its bucket's limit; ``retry_after`` in whole seconds (at least 1)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimiter:
    """The buckets' limits over one storage (memory, or Redis at ``redis_url``)."""

    def __init__(self, limits: dict[str, list[RateLimitItem]], redis_url: str | None) -> None:
        self.limits = {bucket: items for bucket, items in limits.items() if items}
        self.storage: Storage = _redis(redis_url) if redis_url else MemoryStorage()
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._paused_until = 0.0
        self._warned_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimiter":
        rates = {"predict": settings.rate_limit_predict, "samples": settings.rate_limit_samples}
        return cls({b: parse_rate(rate) for b, rate in rates.items()}, settings.redis_url)

    async def check(self, bucket: str, client: str) -> None:
        """Count one request of ``client`` in ``bucket``; raise Rejected when over a limit."""
        items = self.limits.get(bucket)
        if not items or time.monotonic() < self._paused_until:
            return
        try:
            for item in items:
                if not await self.strategy.hit(item, bucket, client):
                    stats = await self.strategy.get_window_stats(item, bucket, client)
                    wait = max(1, math.ceil(stats.reset_time - time.time()))
                    raise Rejected(
                        f"too many {WHAT[bucket]} from this address: at most {item}; "
                        f"retry in {wait} s",
                        wait,
                    )
        except Rejected:
            raise
        except Exception as error:  # the storage is down: fail open, say so now and then
            now = time.monotonic()
            self._paused_until = now + PAUSE_SECONDS
            if now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                log.warning("rate limits not enforced: the storage failed (%s)", error)

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()


def _redis(url: str) -> Storage:
    """Redis storage through redis-py's asyncio client, quick to give up."""
    options: dict[str, Any] = {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        "retry": Retry(NoBackoff(), 0),  # one try: failing open beats waiting
    }
    return RedisStorage(
        f"async+{url}",
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix=KEY_PREFIX,
        **options,
    )


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
