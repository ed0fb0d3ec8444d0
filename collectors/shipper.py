"""Ship spooled batches to the server's HTTP API, oldest first, with backoff when it is away.

A batch leaves the spool only once the server answered 2xx. Transient failures (connection
refused, timeouts, 5xx, 408/429, and auth or routing errors that a config fix cures) keep it
at the head of the queue and back off exponentially with jitter, so a fleet of agents does
not hammer a server that just came back. A payload the server rejects as malformed (400, 413,
415, 422) can never succeed; it is set aside in the spool's dead-letter table and counted,
so one bad batch never blocks the ones behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from enum import Enum

import httpx

from collectors.spool import Batch, BatchKind, Spool
from efficiency.backoff import Backoff

log = logging.getLogger("efficiency.agent")

ENDPOINTS: dict[BatchKind, str] = {
    "profiles": "/api/v1/profiles",
    "metrics": "/api/v1/metrics",
    "changes": "/api/v1/changes",
    "alerts": "/api/v1/alerts/alertmanager",
}

#: the payload itself is wrong: retrying cannot help
PERMANENT = frozenset({400, 413, 415, 422})


class Outcome(Enum):
    SHIPPED = "shipped"
    RETRY = "retry"
    REFUSED = "refused"
    EMPTY = "empty"


@dataclass
class ShipperStats:
    """What the agent reports about shipping on its ``/metrics``."""

    last_success: float | None = None
    last_error: str = ""
    shipped_batches: dict[str, int] = field(default_factory=dict)
    shipped_records: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    refused_batches: int = 0
    consecutive_failures: int = 0


class Shipper:
    """Drains a :class:`Spool` into the API at ``server`` (``http://host:port``)."""

    def __init__(
        self,
        server: str,
        spool: Spool,
        token: str = "",
        timeout: float = 30.0,
        backoff: Backoff | None = None,
    ) -> None:
        headers = {"User-Agent": "efficiency-agent"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.spool = spool
        self.backoff = backoff or Backoff()
        self.stats = ShipperStats()
        self._client = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=timeout)
        #: set by whoever puts a batch, so an idle shipper wakes at once
        self.wake = threading.Event()

    def close(self) -> None:
        self._client.close()

    def _fail(self, reason: str, message: str) -> Outcome:
        self.stats.failures[reason] = self.stats.failures.get(reason, 0) + 1
        self.stats.consecutive_failures += 1
        if message != self.stats.last_error:
            log.warning("shipping paused: %s (batches stay in the spool)", message)
        self.stats.last_error = message
        return Outcome.RETRY

    def ship_one(self) -> Outcome:
        """Post the oldest spooled batch once."""
        batch = self.spool.peek()
        if batch is None:
            return Outcome.EMPTY
        try:
            response = self._client.post(ENDPOINTS[batch.kind], json=batch.body)
        except httpx.TimeoutException:
            self.spool.retry_later(batch.seq)
            return self._fail("timeout", f"{self._client.base_url} timed out")
        except httpx.TransportError as exc:
            self.spool.retry_later(batch.seq)
            return self._fail("connection", f"{self._client.base_url} unreachable: {exc}")
        if response.is_success:
            self._shipped(batch)
            return Outcome.SHIPPED
        detail = _detail(response)
        if response.status_code in PERMANENT:
            self.spool.bury(batch.seq, f"HTTP {response.status_code}: {detail}")
            self.stats.refused_batches += 1
            log.error(
                "server refused a %s batch (HTTP %s: %s); set aside in the spool's dead table",
                batch.kind,
                response.status_code,
                detail,
            )
            return Outcome.REFUSED
        self.spool.retry_later(batch.seq)
        return self._fail(f"http_{response.status_code}", f"HTTP {response.status_code}: {detail}")

    def _shipped(self, batch: Batch) -> None:
        self.spool.ack(batch.seq)
        s = self.stats
        s.last_success = time.time()
        s.shipped_batches[batch.kind] = s.shipped_batches.get(batch.kind, 0) + 1
        s.shipped_records[batch.kind] = s.shipped_records.get(batch.kind, 0) + batch.records
        if s.consecutive_failures:
            log.info("shipping resumed after %d failed attempts", s.consecutive_failures)
        s.consecutive_failures = 0
        s.last_error = ""

    def run(self, stop: threading.Event) -> None:
        """Ship until ``stop`` is set (then :meth:`flush` does the last round)."""
        while not stop.is_set():
            outcome = self.ship_one()
            if outcome in (Outcome.SHIPPED, Outcome.REFUSED):
                continue
            if outcome is Outcome.EMPTY:
                self.wake.wait(1.0)
                self.wake.clear()
                continue
            stop.wait(self.backoff.delay(self.stats.consecutive_failures - 1))

    def flush(self, deadline_s: float) -> bool:
        """Try to empty the spool within ``deadline_s`` seconds; True when it is empty."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            outcome = self.ship_one()
            if outcome is Outcome.EMPTY:
                return True
            if outcome is Outcome.RETRY:
                time.sleep(min(self.backoff.delay(0), max(0.0, end - time.monotonic())))
        return self.spool.peek() is None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])[:200]
    return str(body)[:200]
