"""Series read from a Prometheus server's HTTP query API, as metric-point payloads.

Why: many fleets already export what we need — DCGM-exporter's ``DCGM_FI_DEV_GPU_UTIL``,
node-exporter's CPU seconds — into a Prometheus. Rather than sample those hosts again, each
configured series is one PromQL expression whose result becomes points under our own name.

- ``/api/v1/query`` (instant) and ``/api/v1/query_range``; ``vector``, ``matrix`` and
  ``scalar`` results (a ``string`` result is an error: it holds no numbers);
- each result series keeps its labels (``__name__`` is dropped: the point is named by the
  configuration) and the configured ``labels`` are added on top, winning on a clash;
- ``NaN`` and ``±Inf`` samples (a division by zero, a stale series) and native-histogram
  samples are skipped;
- a failing query (``status: error``, an HTTP error, a timeout, a refused connection) is one
  :class:`CollectorError` line naming the query and the server.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from collectors.errors import CollectorError
from collectors.http import get_json


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _unix_rfc3339(seconds: float) -> str:
    return _rfc3339(datetime.fromtimestamp(seconds, UTC))


@dataclass(frozen=True)
class PromSeries:
    """One configured series: the points' ``name``, the PromQL ``query``, extra ``labels``."""

    name: str
    query: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name or not self.query.strip():
            raise CollectorError(f"a Prometheus series needs a name and a query: {self!r}")


class PrometheusCollector:
    """Read configured series from the Prometheus at ``url`` (e.g. ``http://prom:9090``;
    a path prefix such as Thanos' or a reverse proxy's is kept)."""

    def __init__(
        self,
        url: str,
        series: Sequence[PromSeries],
        timeout_s: float = 10.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.series = list(series)
        self.timeout_s = timeout_s
        self._client = httpx.Client(timeout=timeout_s, headers=dict(headers or {}))
        #: one line per query that failed in the last :meth:`sample` / :meth:`sample_range`
        self.errors: list[str] = []
        #: warnings Prometheus attached to answers of the last call
        self.warnings: list[str] = []

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PrometheusCollector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- all configured series ---------------------------------------------------------------

    def sample(self, at: datetime | None = None) -> list[dict[str, Any]]:
        """Every series at one instant (default: the server's now).

        A query that fails is left out and named in :attr:`errors`, so one bad expression
        does not stop the others; when every query fails (the server is down) that is raised.
        """
        return self._each(lambda s: self.query(s, at))

    def sample_range(self, start: datetime, end: datetime, step_s: float) -> list[dict[str, Any]]:
        """Every series over ``[start, end]`` every ``step_s`` seconds; failures as in
        :meth:`sample`."""
        return self._each(lambda s: self.query_range(s, start, end, step_s))

    def _each(self, run: Callable[[PromSeries], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        self.errors, self.warnings = [], []
        points: list[dict[str, Any]] = []
        for series in self.series:
            try:
                points.extend(run(series))
            except CollectorError as exc:
                self.errors.append(str(exc))
        if self.series and len(self.errors) == len(self.series):
            raise CollectorError(self.errors[0])
        return points

    # --- one series --------------------------------------------------------------------------

    def query(self, series: PromSeries, at: datetime | None = None) -> list[dict[str, Any]]:
        """One series at one instant (``/api/v1/query``)."""
        params = {"query": series.query}
        if at is not None:
            params["time"] = _rfc3339(at)
        return self._points(series, self._get("/api/v1/query", params, series))

    def query_range(
        self, series: PromSeries, start: datetime, end: datetime, step_s: float
    ) -> list[dict[str, Any]]:
        """One series over a time range (``/api/v1/query_range``)."""
        params = {
            "query": series.query,
            "start": _rfc3339(start),
            "end": _rfc3339(end),
            "step": f"{step_s:g}",
        }
        return self._points(series, self._get("/api/v1/query_range", params, series))

    def _get(self, path: str, params: dict[str, str], series: PromSeries) -> dict[str, Any]:
        what = f"Prometheus query {series.name!r} ({series.query})"
        status, body = get_json(
            self._client, self.url + path, params, f"{what} at {self.url}", self.timeout_s
        )
        if not isinstance(body, dict) or body.get("status") not in ("success", "error"):
            raise CollectorError(
                f"{what}: {self.url} answered HTTP {status}, not a Prometheus API response"
            )
        if body["status"] == "error":
            raise CollectorError(
                f"{what} failed: {body.get('errorType', 'error')}: {body.get('error', '')}"
            )
        self.warnings.extend(str(w) for w in body.get("warnings") or [])
        data = body.get("data")
        if not isinstance(data, dict) or "resultType" not in data:
            raise CollectorError(f"{what}: the answer holds no result")
        return data

    def _points(self, series: PromSeries, data: dict[str, Any]) -> list[dict[str, Any]]:
        kind, result = data["resultType"], data.get("result")
        what = f"Prometheus query {series.name!r} ({series.query})"
        try:
            if kind == "scalar":
                return self._samples(series, {}, [result])
            if kind == "vector":
                return [
                    p for r in result for p in self._samples(series, r["metric"], [r.get("value")])
                ]
            if kind == "matrix":
                return [
                    p for r in result for p in self._samples(series, r["metric"], r.get("values"))
                ]
        except (TypeError, KeyError, ValueError, IndexError):
            raise CollectorError(f"{what}: malformed {kind} result") from None
        raise CollectorError(f"{what} returns a {kind}, not numbers")

    @staticmethod
    def _samples(
        series: PromSeries, metric: Mapping[str, str], samples: list[Any] | None
    ) -> list[dict[str, Any]]:
        """Points of one result series; ``None`` entries (native histograms, which carry
        ``histogram`` instead of ``value``) and non-finite values are skipped."""
        labels = {k: str(v) for k, v in metric.items() if k != "__name__"}
        labels.update(series.labels)
        out = []
        for sample in samples or []:
            if sample is None:
                continue
            at, text = sample
            value = float(text)
            if not math.isfinite(value):
                continue
            out.append(
                {
                    "name": series.name,
                    "labels": dict(labels),
                    "timestamp": _unix_rfc3339(float(at)),
                    "value": value,
                }
            )
        return out
