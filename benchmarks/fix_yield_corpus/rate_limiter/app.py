"""Token-bucket admission for the public API gateway: every request drains one token from
its tenant's bucket, buckets refill with elapsed time, and the limiter keeps per-tenant
admit/reject counters for the usage dashboard."""

from __future__ import annotations

import logging

log = logging.getLogger("gateway.limiter")


class Bucket:
    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, capacity: float, rate: float, stamp: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = stamp

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now


class RateLimiter:
    """One bucket per tenant; ``overrides`` gives some tenants a bigger (capacity, rate)."""

    def __init__(
        self,
        capacity: float = 5.0,
        rate: float = 1.0,
        overrides: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self.overrides = dict(overrides or {})
        self._buckets: dict[str, Bucket] = {}
        self.admitted: dict[str, int] = {}
        self.rejected: dict[str, int] = {}

    def _bucket(self, tenant: str, now: float) -> Bucket:
        bucket = self._buckets.get(tenant)
        if bucket is None:
            capacity, rate = self.overrides.get(tenant, (self.capacity, self.rate))
            bucket = self._buckets[tenant] = Bucket(capacity, rate, now)
        return bucket

    def describe(self, tenant: str) -> str:
        """The tenant's bucket next to every other tenant's level, for the debug trail."""
        mine = self._buckets[tenant]
        levels = ", ".join(
            f"{name}={b.tokens:.2f}/{b.capacity:g}" for name, b in sorted(self._buckets.items())
        )
        state = f"tokens={mine.tokens:.3f} rate={mine.rate:g} since={mine.stamp:.3f}"
        return f"{tenant} {state} [{levels}]"

    def allow(self, key: str, now: float) -> bool:
        """``key`` is ``tenant:route``; only the tenant part picks the bucket."""
        tenant = key.partition(":")[0].strip().lower()
        bucket = self._bucket(tenant, now)
        bucket.refill(now)
        ok = bucket.tokens >= 1.0
        if ok:
            bucket.tokens -= 1.0
            self.admitted[tenant] = self.admitted.get(tenant, 0) + 1
        else:
            self.rejected[tenant] = self.rejected.get(tenant, 0) + 1
        log.debug("%s %s -> %s", "admit" if ok else "reject", key, self.describe(tenant))
        return ok


def admit_all(
    requests: list[tuple[str, float]], overrides: dict[str, tuple[float, float]] | None = None
) -> tuple[list[bool], dict[str, tuple[int, int]]]:
    """Replay ``(key, time)`` requests in order: the verdict of each, and per tenant (sorted)
    the (admitted, rejected) counts."""
    limiter = RateLimiter(overrides=overrides)
    verdicts = [limiter.allow(key, now) for key, now in requests]
    tenants = sorted(set(limiter.admitted) | set(limiter.rejected))
    summary = {t: (limiter.admitted.get(t, 0), limiter.rejected.get(t, 0)) for t in tenants}
    return verdicts, summary
