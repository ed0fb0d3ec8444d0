"""Host and process metrics with psutil, as metric-point payloads (the API's ``PointIn``).

Why: profiles say *where* CPU goes; these series say *how much* a host and each service's
processes use, so savings can be measured in cores and bytes.

Every point carries ``host``. Host series:

- ``host_cpu_utilization`` — busy share of all CPUs since the previous sample, 0..1
- ``host_cpu_core_utilization`` {cpu} — the same per logical CPU (``cpu="0"``, ...)
- ``host_cpu_count`` — logical CPUs
- ``host_load1``, ``host_load5``, ``host_load15`` — load averages
- ``host_memory_total_bytes``, ``host_memory_used_bytes``, ``host_memory_available_bytes``
- ``host_swap_total_bytes``, ``host_swap_used_bytes``

Process series, labelled ``service`` and ``pid``:

- ``process_cpu_seconds_total`` — user + system CPU time (counter)
- ``process_cpu_cores`` — CPU used since the previous sample, in cores (``cpu_percent/100``);
  from the second sample of a process on
- ``process_rss_bytes`` — resident memory
- ``process_threads`` — threads
- ``process_ctx_switches_voluntary_total``, ``process_ctx_switches_involuntary_total`` —
  context switches (counters): many involuntary ones mean CPU contention

Busy CPU time is psutil's definition (all time but idle and iowait; guest time is already in
user time). Rates are computed from the collector's own previous reading rather than
``psutil.cpu_percent()``, whose hidden module-level state another caller would disturb.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psutil

from collectors.errors import CollectorError


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _busy_total(t: Any) -> tuple[float, float]:
    """(busy, total) seconds of one ``psutil.cpu_times`` reading."""
    total = sum(t)
    # Linux counts guest time inside user/nice as well; do not count it twice
    total -= getattr(t, "guest", 0.0) + getattr(t, "guest_nice", 0.0)
    idle = t.idle + getattr(t, "iowait", 0.0)
    return total - idle, total


def _utilization(before: Any, after: Any) -> float | None:
    busy0, total0 = _busy_total(before)
    busy1, total1 = _busy_total(after)
    if total1 - total0 <= 0:
        return None
    return min(1.0, max(0.0, (busy1 - busy0) / (total1 - total0)))


_Add = Callable[..., None]


@dataclass
class _ProcState:
    create_time: float
    cpu_seconds: float
    at: float  # time.monotonic()


class HostCollector:
    """Samples of this host and of the processes of configured services.

    ``services`` maps a service name to what identifies its processes: pids (ints) or
    regular expressions searched in the command line (strs, e.g. ``"gunicorn .*checkout"``).
    A process matching several services belongs to the first. Processes that are gone
    (a configured pid that exited, or one that exits between listing and reading) or refuse
    access are skipped quietly and counted in :attr:`skipped`.
    """

    def __init__(
        self,
        services: Mapping[str, Sequence[int | str]] | None = None,
        host: str = "",
        interval_s: float = 10.0,
    ) -> None:
        if interval_s <= 0:
            raise CollectorError(f"host interval_s must be positive, not {interval_s}")
        self.host = host or socket.gethostname()
        self.interval_s = interval_s
        self._pids: dict[int, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for service, specs in (services or {}).items():
            for spec in specs:
                if isinstance(spec, int):
                    self._pids.setdefault(spec, service)
                    continue
                try:
                    self._patterns.append((re.compile(spec), service))
                except re.error as exc:
                    raise CollectorError(
                        f"service {service!r}: bad process pattern {spec!r}: {exc}"
                    ) from None
        #: processes skipped since the collector started (gone or access denied)
        self.skipped = 0
        self._procs: dict[int, _ProcState] = {}
        self._cpu = psutil.cpu_times()
        self._cores = psutil.cpu_times(percpu=True)

    # --- which processes ---------------------------------------------------------------------

    def matches(self) -> dict[int, str]:
        """pid -> service of every process the configuration names right now (configured
        pids always, so one that is gone is counted as skipped when read)."""
        found = dict(self._pids)
        if not self._patterns:
            return found
        me = os.getpid()
        for proc in psutil.process_iter(["cmdline", "name"]):
            if proc.pid in found or proc.pid == me:
                continue
            cmdline = " ".join(proc.info["cmdline"] or []) or (proc.info["name"] or "")
            for pattern, service in self._patterns:
                if pattern.search(cmdline):
                    found[proc.pid] = service
                    break
        return found

    # --- sampling ----------------------------------------------------------------------------

    def sample(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """One reading of every series, all stamped ``now`` (default: the wall clock)."""
        stamp = _rfc3339(now or datetime.now(UTC))
        points: list[dict[str, Any]] = []

        def add(name: str, value: float, **labels: str) -> None:
            points.append(
                {
                    "name": name,
                    "labels": {"host": self.host, **labels},
                    "timestamp": stamp,
                    "value": float(value),
                }
            )

        self._host_points(add)
        self._process_points(add)
        return points

    def _host_points(self, add: _Add) -> None:
        cpu, cores = psutil.cpu_times(), psutil.cpu_times(percpu=True)
        total = _utilization(self._cpu, cpu)
        if total is not None:
            add("host_cpu_utilization", total)
        for index, (before, after) in enumerate(zip(self._cores, cores, strict=False)):
            share = _utilization(before, after)
            if share is not None:
                add("host_cpu_core_utilization", share, cpu=str(index))
        self._cpu, self._cores = cpu, cores
        add("host_cpu_count", len(cores))
        for window, load in zip((1, 5, 15), psutil.getloadavg(), strict=True):
            add(f"host_load{window}", load)
        mem, swap = psutil.virtual_memory(), psutil.swap_memory()
        add("host_memory_total_bytes", mem.total)
        add("host_memory_used_bytes", mem.used)
        add("host_memory_available_bytes", mem.available)
        add("host_swap_total_bytes", swap.total)
        add("host_swap_used_bytes", swap.used)

    def _process_points(self, add: _Add) -> None:
        seen: dict[int, _ProcState] = {}
        for pid, service in sorted(self.matches().items()):
            try:
                proc = psutil.Process(pid)
                with proc.oneshot():
                    created = proc.create_time()
                    times = proc.cpu_times()
                    rss = proc.memory_info().rss
                    threads = proc.num_threads()
                    switches = proc.num_ctx_switches()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                self.skipped += 1
                continue
            at = time.monotonic()
            cpu_seconds = times.user + times.system
            labels = {"service": service, "pid": str(pid)}
            add("process_cpu_seconds_total", cpu_seconds, **labels)
            before = self._procs.get(pid)
            if before is not None and before.create_time == created and at > before.at:
                cores = max(0.0, cpu_seconds - before.cpu_seconds) / (at - before.at)
                add("process_cpu_cores", cores, **labels)
            add("process_rss_bytes", rss, **labels)
            add("process_threads", threads, **labels)
            add("process_ctx_switches_voluntary_total", switches.voluntary, **labels)
            add("process_ctx_switches_involuntary_total", switches.involuntary, **labels)
            seen[pid] = _ProcState(created, cpu_seconds, at)
        self._procs = seen

    def run(self, stop: threading.Event) -> Iterator[list[dict[str, Any]]]:
        """A batch of points every ``interval_s`` until ``stop`` is set; a late batch does not
        make the next ones pile up."""
        next_at = time.monotonic() + self.interval_s
        while not stop.wait(max(0.0, next_at - time.monotonic())):
            yield self.sample()
            next_at = max(next_at + self.interval_s, time.monotonic())
