"""Moving-window counts, for the rate limits (middleware/ratelimit.py) and the contribution
quotas (quotas.py): in the process, or in Redis, shared by every worker of every machine.

Counts use the moving-window strategy of the ``limits`` package: at most N hits in any
window of the rate's length, and a refused hit counts nothing. When Redis cannot be
reached the counts fail open: the caller lets the request through, a warning is logged
(at most once a minute), and Redis is not asked again for ``PAUSE_SECONDS``.
"""

import logging
import math
import time
from typing import Any

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

PAUSE_SECONDS = 5.0  # after a storage failure, let requests through unasked this long
WARN_EVERY_SECONDS = 60.0
REDIS_TIMEOUT_SECONDS = 0.5  # connect and per-command; a slow Redis must not stall requests
KEY_PREFIX = "digitpad"


class Counts:
    """A moving-window ``strategy`` over one storage (memory, or Redis at ``redis_url``),
    with the bookkeeping of failing open; ``what`` names the counts in the warning."""

    def __init__(self, redis_url: str | None, log: logging.Logger, what: str) -> None:
        self.storage: Storage = redis_storage(redis_url) if redis_url else MemoryStorage()
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.log = log
        self.what = what
        self._paused_until = 0.0
        self._warned_at = -math.inf

    def paused(self) -> bool:
        """Whether the storage failed less than PAUSE_SECONDS ago: count nothing meanwhile."""
        return time.monotonic() < self._paused_until

    def failed(self, error: Exception) -> None:
        """Note that the storage failed: pause, and warn unless a warning went out lately."""
        now = time.monotonic()
        self._paused_until = now + PAUSE_SECONDS
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            self.log.warning("%s not enforced: the storage failed (%s)", self.what, error)

    async def retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Whole seconds (at least 1) until the window of ``item`` for ``identifiers`` has
        room for one more hit."""
        stats = await self.strategy.get_window_stats(item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()


def redis_storage(url: str) -> Storage:
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
