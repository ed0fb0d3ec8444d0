"""The fleet agent: run the configured collectors on a schedule, spool what they produce, and
ship it to the server.

Every record goes collector → spool (on disk) → shipper → HTTP API, never straight to the
wire, so a server outage, a network partition or an agent restart loses nothing short of the
spool's size bound. Each collector runs in its own thread and fails alone: a process that
cannot be profiled, a Prometheus that is down or a missing GPU is counted and logged for that
collector while the others go on. SIGTERM stops the collectors (py-spy windows in flight are
cut short and kept), then ships for up to ``flush_seconds`` and leaves the rest spooled for
the next start.

Health is on ``/metrics`` in the Prometheus format (:mod:`collectors.agent_metrics`, re-exported
here).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectors.agent_metrics import AgentMetrics, serve_metrics
from collectors.errors import CollectorError
from collectors.pyspy import PySpyCollector, profile_round
from collectors.shipper import Shipper
from collectors.spool import BatchKind, Spool
from collectors.targets import TargetSpec, resolve
from efficiency.backoff import Backoff

if TYPE_CHECKING:
    from efficiency.config import Config

__all__ = [
    "Agent",
    "AgentMetrics",
    "Batches",
    "PeriodicSource",
    "ProfilerSource",
    "SourceHealth",
    "build_agent",
    "default_spool_path",
    "serve_metrics",
]

log = logging.getLogger("efficiency.agent")

#: what a periodic source returns: API batches ready for the spool
Batches = list[tuple[BatchKind, dict[str, Any]]]


@dataclass
class SourceHealth:
    records: int = 0
    errors: int = 0
    last_error: str = ""
    last_error_at: float | None = None
    last_run_at: float | None = None


@dataclass
class PeriodicSource:
    """A collector that is polled every ``interval`` seconds (host metrics, GPU, Prometheus,
    alerts, git history)."""

    name: str
    interval: float
    collect: Callable[[], Batches]


@dataclass
class ProfilerSource:
    """py-spy over the processes the specs name, one window after another without gaps."""

    collector: PySpyCollector
    specs: list[TargetSpec]
    window_seconds: float
    host: str
    name: str = "pyspy"


@dataclass
class Agent:
    spool: Spool
    shipper: Shipper
    sources: list[PeriodicSource | ProfilerSource] = field(default_factory=list)
    flush_seconds: float = 10.0
    health: dict[str, SourceHealth] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for source in self.sources:
            self.health.setdefault(source.name, SourceHealth())
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ collecting

    def _spool(self, source: str, batches: Iterable[tuple[BatchKind, dict[str, Any]]]) -> None:
        for kind, body in batches:
            self.spool.put(kind, body)
            self.health[source].records += _count(kind, body)
        self.shipper.wake.set()

    def _error(self, source: str, message: str) -> None:
        h = self.health[source]
        h.errors += 1
        h.last_error_at = time.time()
        if message != h.last_error:
            log.warning("%s: %s", source, message)
        h.last_error = message

    def _run_periodic(self, source: PeriodicSource, stop: threading.Event) -> None:
        while not stop.is_set():
            began = time.monotonic()
            try:
                batches = source.collect()
            except CollectorError as exc:
                self._error(source.name, str(exc))
            except Exception as exc:  # a collector bug must not take the agent down
                log.exception("%s failed", source.name)
                self._error(source.name, f"{type(exc).__name__}: {exc}")
            else:
                self._spool(source.name, batches)
            self.health[source.name].last_run_at = time.time()
            stop.wait(max(0.0, source.interval - (time.monotonic() - began)))

    def _run_profiler(self, source: ProfilerSource, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                targets = resolve(source.specs)
            except Exception as exc:
                self._error(source.name, f"cannot list processes: {exc}")
                stop.wait(source.window_seconds)
                continue
            if not targets:
                services = ", ".join(sorted({s.service for s in source.specs}))
                self._error(source.name, f"no process to profile for {services}")
                stop.wait(min(source.window_seconds, 5.0))
                continue
            result = profile_round(
                source.collector,
                [(t.pid, t.service) for t in targets],
                source.window_seconds,
                stop,
            )
            for pid, reason in result.errors:
                self._error(source.name, f"pid {pid}: {reason}")
            # one batch per window keeps batches small and lets each be acknowledged alone
            self._spool(
                source.name,
                (
                    ("profiles", {"windows": [record.to_payload(service, source.host)]})
                    for service, record in result.windows
                ),
            )
            self.health[source.name].last_run_at = time.time()

    # ------------------------------------------------------------------ lifecycle

    def start(self, stop: threading.Event) -> None:
        for source in self.sources:
            target: Callable[..., None] = (
                self._run_profiler if isinstance(source, ProfilerSource) else self._run_periodic
            )
            t = threading.Thread(target=target, args=(source, stop), name=source.name, daemon=True)
            t.start()
            self._threads.append(t)
        ship_stop = threading.Event()
        self._ship_stop = ship_stop
        self._shipper_thread = threading.Thread(
            target=self.shipper.run, args=(ship_stop,), name="shipper", daemon=True
        )
        self._shipper_thread.start()

    def shutdown(self, collector_grace: float = 15.0) -> bool:
        """After ``stop`` was set: let collectors hand in what they have, then flush.

        Returns True when the spool ended empty.
        """
        deadline = time.monotonic() + collector_grace
        for t in self._threads:
            t.join(max(0.1, deadline - time.monotonic()))
        self._ship_stop.set()
        self.shipper.wake.set()
        self._shipper_thread.join()
        empty = self.shipper.flush(self.flush_seconds)
        stats = self.spool.stats()
        if empty:
            log.info("agent stopped; spool empty")
        else:
            log.warning(
                "agent stopped with %d batch(es) (%d records) still spooled in %s; they ship on "
                "the next start",
                stats.depth,
                stats.records,
                self.spool.path,
            )
        return empty

    def run(self, stop: threading.Event) -> bool:
        """Run until ``stop`` is set (the CLI sets it on SIGTERM/SIGINT), then shut down."""
        self.start(stop)
        stop.wait()
        return self.shutdown()


def _count(kind: BatchKind, body: dict[str, Any]) -> int:
    key = {"profiles": "windows", "metrics": "points", "changes": "changes", "alerts": "alerts"}
    items = body.get(key[kind])
    return len(items) if isinstance(items, list) else 0


def default_spool_path() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("efficiency")) / "agent-spool.db")


def build_agent(config: Config) -> Agent:
    """An agent with every collector the configuration turns on."""
    a = config.agent
    host = a.host or socket.gethostname()
    spool = Spool(a.spool_path or default_spool_path(), max_bytes=a.spool_max_bytes)
    shipper = Shipper(
        a.server,
        spool,
        token=a.token or config.api.token,
        timeout=a.request_timeout_seconds,
        backoff=Backoff(a.backoff_initial_seconds, a.backoff_max_seconds),
    )
    sources: list[PeriodicSource | ProfilerSource] = []
    specs = [TargetSpec(t.service, tuple(t.pids), t.pattern, t.python_only) for t in a.profile]
    p = config.profiling
    if specs:
        sources.append(
            ProfilerSource(
                collector=PySpyCollector(rate_hz=p.rate_hz, native=p.native, pyspy=p.pyspy_path),
                specs=specs,
                window_seconds=p.window_seconds,
                host=host,
            )
        )
    if specs and a.perf:
        sources.append(_perf_source(specs, p.window_seconds, host))
    if a.host_metrics_seconds > 0:
        sources.append(_host_source(config, host))
    if a.gpu_seconds > 0:
        sources.append(_gpu_source(a.gpu_seconds, host))
    if a.prometheus_url and a.prometheus_series:
        sources.append(_prometheus_source(config))
    if a.alerts_prometheus_url:
        from collectors.alerts import PrometheusAlertsCollector

        prom = PrometheusAlertsCollector(a.alerts_prometheus_url)
        sources.append(_alerts_source("prometheus-alerts", a.alerts_seconds, prom.fetch))
    if a.alerts_alertmanager_url:
        from collectors.alerts import AlertmanagerAlertsCollector

        am = AlertmanagerAlertsCollector(a.alerts_alertmanager_url)
        sources.append(_alerts_source("alertmanager-alerts", a.alerts_seconds, am.fetch))
    for g in a.git:
        sources.append(_git_source(g.service, g.repo, g.branch, g.path, a.git_seconds))
    agent = Agent(spool, shipper, sources, flush_seconds=a.flush_seconds)
    if a.health_seconds > 0:  # the fleet view on the server reads these
        from collectors.agent_health import health_source

        agent.sources.append(health_source(agent, host, a.health_seconds))
        agent.health.setdefault("agent-health", SourceHealth())
    return agent


def _batched(kind: BatchKind, items: list[dict[str, Any]], size: int = 5000) -> Batches:
    key = {"metrics": "points", "changes": "changes"}[kind]
    return [(kind, {key: items[i : i + size]}) for i in range(0, len(items), size)]


def _alerts_source(
    name: str, interval: float, fetch: Callable[[], list[dict[str, Any]]]
) -> PeriodicSource:
    return PeriodicSource(name, interval, lambda: [("alerts", body) for body in fetch()])


def _host_source(config: Config, host: str) -> PeriodicSource:
    from collectors.host import HostCollector

    services: dict[str, list[int | str]] = {}
    for t in config.agent.profile:
        services.setdefault(t.service, []).extend([*t.pids, *([t.pattern] if t.pattern else [])])
    collector = HostCollector(services, host=host, interval_s=config.agent.host_metrics_seconds)
    return PeriodicSource(
        "host", config.agent.host_metrics_seconds, lambda: _batched("metrics", collector.sample())
    )


def _gpu_source(interval: float, host: str) -> PeriodicSource:
    """NVML is opened on first use and again after a failure, so a driver that appears (or
    recovers) later is picked up; without one the source reports one clear error."""
    from collectors.gpu import GpuCollector

    state: dict[str, GpuCollector] = {}

    def collect() -> Batches:
        if "gpu" not in state:
            state["gpu"] = GpuCollector(host=host)
        try:
            return _batched("metrics", state["gpu"].sample())
        except CollectorError:
            state.pop("gpu").close()
            raise

    return PeriodicSource("gpu", interval, collect)


def _prometheus_source(config: Config) -> PeriodicSource:
    from collectors.prometheus import PrometheusCollector, PromSeries

    a = config.agent
    collector = PrometheusCollector(
        a.prometheus_url, [PromSeries(s.name, s.query) for s in a.prometheus_series]
    )

    def collect() -> Batches:
        points = collector.sample()
        for problem in collector.errors:
            log.warning("prometheus: %s", problem)
        return _batched("metrics", points)

    return PeriodicSource("prometheus", a.prometheus_seconds, collect)


def _git_source(service: str, repo: str, branch: str, path: str, interval: float) -> PeriodicSource:
    """Commits as deploys. The first poll looks back 30 days; later polls take what came
    after the last commit seen (the server stores each change once either way)."""
    from collectors.git_changes import GitChangesCollector

    collector = GitChangesCollector(repo, service, branch=branch, paths=(path,) if path else ())
    seen: dict[str, str] = {}

    def collect() -> Batches:
        if "last" in seen:
            events = collector.changes(since_commit=seen["last"])
        else:
            events = collector.changes(since=datetime.now(UTC) - timedelta(days=30))
        if events:
            seen["last"] = events[-1]["commit"]
        return _batched("changes", events)

    return PeriodicSource(f"git:{service}", interval, collect)


def _perf_source(specs: list[TargetSpec], window: float, host: str) -> PeriodicSource:
    """perf over the same processes as py-spy: native and kernel frames, any language."""
    from collectors.perf import PerfCollector

    collector = PerfCollector(host=host)
    native_specs = [TargetSpec(s.service, s.pids, s.pattern, python_only=False) for s in specs]

    def collect() -> Batches:
        targets = {t.pid: t.service for t in resolve(native_specs)}
        if not targets:
            return []
        windows = [w for w in collector.record_window(targets, window) if w["data"]]
        return [("profiles", {"windows": [w]}) for w in windows]

    return PeriodicSource("perf", 0.0, collect)
