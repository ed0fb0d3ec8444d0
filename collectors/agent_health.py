"""The agent's own health as metric points, shipped with everything else, so the server's
fleet view shows each agent's spool depth, last successful ship and collector errors without
scraping every host.

The points are the gauges and counters of ``/metrics`` (:class:`collectors.agent.AgentMetrics`)
under the same names, each labelled with ``host`` (and ``collector`` for per-collector ones).
They go through the spool like any batch: after an outage they arrive late, but they arrive.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collectors.agent import Agent, Batches, PeriodicSource

#: the names of the points (a subset of ``/metrics``: what the fleet view shows)
SPOOL_BATCHES = "efficiency_agent_spool_batches"
SPOOL_AGE = "efficiency_agent_spool_oldest_age_seconds"
SPOOL_DROPPED = "efficiency_agent_spool_dropped_records"
LAST_SHIP = "efficiency_agent_last_ship_success_timestamp_seconds"
COLLECTOR_ERRORS = "efficiency_agent_collector_errors"
COLLECTOR_RECORDS = "efficiency_agent_collected_records"
HEALTH_METRICS = (SPOOL_BATCHES, SPOOL_AGE, SPOOL_DROPPED, LAST_SHIP, COLLECTOR_ERRORS,
                  COLLECTOR_RECORDS)  # fmt: skip


def health_points(agent: Agent, host: str, now: float | None = None) -> list[dict[str, Any]]:
    """The agent's health at ``now`` (Unix seconds) as ``ingest metrics`` points."""
    now = time.time() if now is None else now
    stamp = datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")
    spool = agent.spool.stats()
    ship = agent.shipper.stats

    def point(name: str, value: float, **labels: str) -> dict[str, Any]:
        return {"name": name, "labels": {"host": host, **labels}, "timestamp": stamp,
                "value": float(value)}  # fmt: skip

    points = [
        point(SPOOL_BATCHES, spool.depth),
        point(SPOOL_AGE, now - spool.oldest_created if spool.oldest_created else 0.0),
        point(SPOOL_DROPPED, spool.dropped_records),
        point(LAST_SHIP, ship.last_success or 0.0),
    ]
    for name, h in sorted(agent.health.items()):
        points.append(point(COLLECTOR_ERRORS, h.errors, collector=name))
        points.append(point(COLLECTOR_RECORDS, h.records, collector=name))
    return points


def health_source(agent: Agent, host: str, interval: float) -> PeriodicSource:
    """A periodic source that spools :func:`health_points` every ``interval`` seconds."""
    from collectors.agent import PeriodicSource

    def collect() -> Batches:
        return [("metrics", {"points": health_points(agent, host)})]

    return PeriodicSource("agent-health", interval, collect)
