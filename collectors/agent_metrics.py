"""The fleet agent's health on ``/metrics``: :class:`AgentMetrics` and :func:`serve_metrics`
(re-exported by :mod:`collectors.agent`).

Health is on ``/metrics`` in the Prometheus format: last successful ship, spool depth and
bytes, dropped and refused records, and per-collector records and errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from collectors.errors import CollectorError

if TYPE_CHECKING:
    from collectors.agent import Agent


class AgentMetrics(Collector):
    """The agent's own health, read at scrape time (so it is never stale)."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def collect(self) -> Iterator[Metric]:
        a = self.agent
        spool = a.spool.stats()
        ship = a.shipper.stats
        g = GaugeMetricFamily
        c = CounterMetricFamily
        yield g(
            "efficiency_agent_last_ship_success_timestamp_seconds",
            "Unix time of the last batch the server accepted (0 = none yet).",
            value=ship.last_success or 0.0,
        )
        yield g("efficiency_agent_spool_batches", "Batches waiting in the spool.", spool.depth)
        yield g("efficiency_agent_spool_records", "Records waiting in the spool.", spool.records)
        yield g("efficiency_agent_spool_bytes", "Bytes waiting in the spool.", spool.nbytes)
        yield g(
            "efficiency_agent_spool_oldest_age_seconds",
            "Age of the oldest spooled batch (0 when empty).",
            value=time.time() - spool.oldest_created if spool.oldest_created else 0.0,
        )
        yield c(
            "efficiency_agent_spool_dropped_records",
            "Records dropped because the spool passed its bound (oldest first).",
            value=spool.dropped_records,
        )
        yield c(
            "efficiency_agent_refused_batches",
            "Batches the server refused as malformed, kept in the spool's dead table.",
            value=spool.dead_batches,
        )
        shipped = c(
            "efficiency_agent_shipped_records", "Records the server accepted.", labels=["kind"]
        )
        for kind, n in sorted(ship.shipped_records.items()):
            shipped.add_metric([kind], n)
        yield shipped
        failures = c(
            "efficiency_agent_ship_failures", "Failed shipping attempts.", labels=["reason"]
        )
        for reason, n in sorted(ship.failures.items()):
            failures.add_metric([reason], n)
        yield failures
        records = c(
            "efficiency_agent_collected_records",
            "Records each collector handed to the spool.",
            labels=["collector"],
        )
        errors = c(
            "efficiency_agent_collector_errors", "Errors per collector.", labels=["collector"]
        )
        last = g(
            "efficiency_agent_collector_last_error_timestamp_seconds",
            "Unix time of each collector's last error (0 = none).",
            labels=["collector"],
        )
        for name, h in sorted(a.health.items()):
            records.add_metric([name], h.records)
            errors.add_metric([name], h.errors)
            last.add_metric([name], h.last_error_at or 0.0)
        yield records
        yield errors
        yield last


def serve_metrics(agent: Agent, host: str, port: int) -> Callable[[], None]:
    """Expose the agent's health on ``http://host:port/metrics``; returns a stop function."""
    registry = CollectorRegistry()
    registry.register(AgentMetrics(agent))
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        raise CollectorError(f"cannot serve agent metrics on {host}:{port}: {exc}") from None

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
