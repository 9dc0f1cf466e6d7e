"""Daily quotas on contributions: how many drawings one client address, and one contributor
id, may have stored.

Every drawing stored through ``POST /api/samples`` (one) and ``POST /api/numbers`` (one per
digit) counts against the quota of the client's address (``request.client.host``, as the
rate limits see it) and, when the body names a ``contributor``, against that id's quota
too. Made-up ids therefore buy nothing beyond the address's quota. The quotas need the
body, so the contribute routes call `Quotas.check` themselves; the rate limits, in the
middleware, have counted the request already.

Counts are moving windows (app/web/counts.py): ``500/day`` is at most 500 in any 24 hours.
They live in the process, or in Redis (shared by every worker of every machine) with a
Redis URL; when Redis cannot be reached the quotas fail open, as the rate limits do.
"""

import logging

from limits import RateLimitItem

from app.config import Settings, parse_rate
from app.engine.errors import OverQuota
from app.web.counts import Counts

log = logging.getLogger("digitpad.quotas")
WHO = {"address": "this address", "contributor": "this contributor id"}


class Quotas:
    """The contribution quotas per client address and per contributor id (each a list of
    rates, empty for none) over one storage (memory, or Redis at ``redis_url``)."""

    def __init__(
        self,
        address: list[RateLimitItem],
        contributor: list[RateLimitItem],
        redis_url: str | None,
    ) -> None:
        self.quotas = {"address": address, "contributor": contributor}
        self.counts = Counts(redis_url, log, "contribution quotas")

    @classmethod
    def from_settings(cls, settings: Settings) -> "Quotas":
        """The quotas DIGITPAD_ADDRESS_QUOTA and DIGITPAD_CONTRIBUTOR_QUOTA name."""
        return cls(
            parse_rate(settings.address_quota),
            parse_rate(settings.contributor_quota),
            settings.redis_url,
        )

    async def check(self, address: str, contributor: str | None, cost: int = 1) -> None:
        """Count ``cost`` drawings from ``address`` (and from ``contributor``, when given).

        Raises OverQuota, counting nothing, when they would take either over its quota:
        every quota is tested before any is counted. (Should another request take the
        room between the test and the count, this one is refused all the same, and a
        quota counted before keeps the count: rare, and never more than a quota is let
        through.) A retry with the same Idempotency-Key counts again, though it stores
        nothing new.
        """
        who = [("address", address)] + ([("contributor", contributor)] if contributor else [])
        checks = [(kind, key, item) for kind, key in who for item in self.quotas[kind]]
        if not checks or self.counts.paused():
            return
        strategy = self.counts.strategy
        try:
            for kind, key, item in checks:
                if not await strategy.test(item, "quota", kind, key, cost=cost):
                    raise await self._over(kind, key, item)
            for kind, key, item in checks:
                if not await strategy.hit(item, "quota", kind, key, cost=cost):
                    raise await self._over(kind, key, item)  # taken by a request meanwhile
        except OverQuota:
            raise
        except Exception as error:  # the storage is down: fail open, say so now and then
            self.counts.failed(error)

    async def _over(self, kind: str, key: str, item: RateLimitItem) -> OverQuota:
        """The error for ``key``'s quota ``item``, saying when it has room again (for a
        number of several digits, it may need more room than that)."""
        wait = await self.counts.retry_after(item, "quota", kind, key)
        return OverQuota(
            f"too many contributions: at most {per(item)} from {WHO[kind]}; retry in {wait} s",
            wait,
        )

    async def close(self) -> None:
        """Close the Redis connections, if any."""
        await self.counts.close()


def per(item: RateLimitItem) -> str:
    """A quota in words: "500 per day", "100 per 2 hours"."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} per {unit}"
    return f"{item.amount} per {item.multiples} {unit}s"
