"""The demo's own scraper: every second it reads each listed instance's ``/metrics``, and from
those counters computes what a Prometheus would: the p90 latency of a service over the last
seconds (``histogram_quantile(0.9, sum by (le, service) (rate(..._bucket[5s])))``), its
request rate and error ratio. The baseline's latency sets the alert thresholds; the series
are stored as metric points (labelled ``service`` and ``version``) for ``rca`` and
``canary``; without a Prometheus binary the same numbers drive the alert rules.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families

from efficiency.demo.fleet import Registry
from efficiency.ingest.metrics import PointIn

#: the rate window of the alert rules and of the stored series, in seconds
WINDOW_S = 5.0
SCRAPE_S = 1.0
LATENCY = "http_request_duration_seconds"


@dataclass(frozen=True)
class Scrape:
    """One instance's counters at one moment (summed over request paths)."""

    at: datetime
    service: str
    version: str
    address: str
    buckets: tuple[tuple[float, float], ...]  # (upper bound, cumulative count), sorted
    requests: float
    errors: float


def parse_scrape(text: str, at: datetime, service: str, version: str, address: str) -> Scrape:
    buckets: dict[float, float] = {}
    requests = errors = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"{LATENCY}_bucket":
                le = float(sample.labels["le"])
                buckets[le] = buckets.get(le, 0.0) + sample.value
            elif sample.name == "http_requests_total":
                requests += sample.value
            elif sample.name == "http_request_errors_total":
                errors += sample.value
    return Scrape(at, service, version, address, tuple(sorted(buckets.items())), requests, errors)


def histogram_quantile(q: float, buckets: list[tuple[float, float]]) -> float | None:
    """Prometheus' ``histogram_quantile`` over cumulative (upper bound, count) buckets: linear
    interpolation inside the bucket holding rank ``q * total``; None without observations."""
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if math.isinf(upper):
                return lower  # the highest finite bound, as Prometheus answers
            if count == below:
                return upper
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return lower


def _delta(first: Scrape, last: Scrape) -> tuple[list[tuple[float, float]], float, float]:
    before = dict(first.buckets)  # empty until the first request is observed
    buckets = [(le, n - before.get(le, 0.0)) for le, n in last.buckets]
    return buckets, last.requests - first.requests, last.errors - first.errors


class Scraper:
    """Scrape every instance the registry lists each ``SCRAPE_S`` seconds, in a thread;
    ``on_tick(at)`` runs after each round (where the fallback rule evaluation hooks in)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.scrapes: list[Scrape] = []
        self.on_tick: list[Callable[[datetime], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="demo-scraper")
        self._client = httpx.Client(timeout=SCRAPE_S)

    def start(self) -> Scraper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._client.close()

    def _run(self) -> None:
        began, n = time.monotonic(), 0
        while not self._stop.is_set():
            at = datetime.now(UTC)
            for service, version, address in self.registry.targets():
                try:
                    text = self._client.get(f"http://{address}/metrics").text
                except httpx.HTTPError:
                    continue  # an instance going away; the next round will not list it
                with self._lock:
                    self.scrapes.append(parse_scrape(text, at, service, version, address))
            for tick in self.on_tick:
                tick(at)
            n += 1
            self._stop.wait(max(0.0, began + n * SCRAPE_S - time.monotonic()))

    def _window(self, start: datetime, end: datetime) -> dict[str, list[Scrape]]:
        """Each instance's scrapes in ``[start, end]``, by address."""
        found: dict[str, list[Scrape]] = {}
        with self._lock:
            for s in self.scrapes:
                if start <= s.at <= end:
                    found.setdefault(s.address, []).append(s)
        return found

    def quantile(
        self, service: str, start: datetime, end: datetime, q: float = 0.9
    ) -> float | None:
        """The ``q`` latency quantile of ``service`` (all its instances) over the window."""
        total: dict[float, float] = {}
        for runs in self._window(start, end).values():
            if len(runs) < 2 or runs[0].service != service:
                continue
            for le, n in _delta(runs[0], runs[-1])[0]:
                total[le] = total.get(le, 0.0) + n
        return histogram_quantile(q, sorted(total.items()))

    def points(self, start: datetime, end: datetime) -> list[PointIn]:
        """Per scrape round: p90 latency, request rate and error ratio over the last
        ``WINDOW_S`` seconds, for each instance (labelled ``service`` and ``version``: what a
        canary compares) and for each service across its instances (labelled ``service``
        alone, as a recording rule's ``sum by (service)``: one series that runs on through a
        deploy, which ``rca`` judges against its own history)."""
        points: list[PointIn] = []
        with self._lock:
            rounds = sorted({s.at for s in self.scrapes if start <= s.at <= end})
        for at in rounds:
            since = datetime.fromtimestamp(at.timestamp() - WINDOW_S - SCRAPE_S / 2, UTC)
            by_service: dict[str, list[_Window]] = {}
            for runs in self._window(since, at).values():
                if len(runs) < 2 or runs[-1].at != at:
                    continue
                window = _Window.of(runs[0], runs[-1])
                by_service.setdefault(runs[0].service, []).append(window)
                labels = {"service": runs[0].service, "version": runs[0].version}
                points += window.points(at, labels)
            for service, windows in sorted(by_service.items()):
                points += _Window.total(windows).points(at, {"service": service})
        return points


@dataclass(frozen=True)
class _Window:
    """Counter increases over one window."""

    buckets: dict[float, float]
    requests: float
    errors: float
    seconds: float

    @classmethod
    def of(cls, first: Scrape, last: Scrape) -> _Window:
        buckets, requests, errors = _delta(first, last)
        return cls(dict(buckets), requests, errors, (last.at - first.at).total_seconds())

    @classmethod
    def total(cls, windows: list[_Window]) -> _Window:
        buckets: dict[float, float] = {}
        for w in windows:
            for le, n in w.buckets.items():
                buckets[le] = buckets.get(le, 0.0) + n
        seconds = max(w.seconds for w in windows)
        return cls(buckets, sum(w.requests for w in windows), sum(w.errors for w in windows),
                   seconds)  # fmt: skip

    def points(self, at: datetime, labels: dict[str, str]) -> list[PointIn]:
        p90 = histogram_quantile(0.9, sorted(self.buckets.items()))
        values = {
            "http_requests_per_second": self.requests / self.seconds,
            "http_request_error_ratio": self.errors / self.requests if self.requests else 0.0,
            "http_request_duration_seconds_p90": p90,
        }
        return [PointIn(name=name, labels=labels, timestamp=at, value=value)
                for name, value in values.items() if value is not None]  # fmt: skip
