"""What a service mesh would export for the Nezha TrainTicket days, derived from the artifact's
raw spans: the benchmark's input preparation, never the answer (no fault label is read here).

- **Call-edge metrics** (what Istio exports as ``istio_requests_total`` and
  ``istio_request_duration_milliseconds`` with ``source_workload`` / ``destination_workload``
  labels): for every span whose parent span ran in another service, one call from the
  parent's service to the span's service. Per minute and edge: the number of calls, and the
  mean and 90th percentile of the caller-side duration (the parent span: an HTTP client span,
  so it includes the network both ways, as the source proxy's duration does).

Per-pod counts of ERROR/WARN log lines were tried too (what a log pipeline's counters give):
on the development faults they moved on the callers that log a callee's failure, not on the
cause, and changed no ranking for the better, so they are not ingested.

The result is a list of ``ingest metrics`` JSON-lines points; the benchmark stores them next
to the pod metrics with ``efficiency ingest metrics``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from efficiency.rca.services import strip_pod_suffix

#: seconds of a minute that must have spans for the minute to count as observed
MIN_COVERED_SECONDS = 30


def _stamp(minutes: pd.Series) -> list[str]:
    """A minute's aggregate is stamped at the minute's end, when an exporter could first have
    reported it (the pod metrics are stamped at their scrape, too): stamped at its start, a
    minute that began before ``T`` would show the fault's first seconds before ``T``."""
    return (minutes + pd.Timedelta(minutes=1)).dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()


def _points(name: str, frame: pd.DataFrame, label_cols: dict[str, str], value: str) -> list[str]:
    lines = []
    stamps = _stamp(frame["minute"])
    for stamp, row in zip(stamps, frame.itertuples(index=False), strict=True):
        labels = {key: str(getattr(row, col)) for key, col in label_cols.items()}
        v = float(getattr(row, value))
        if np.isfinite(v):
            lines.append(
                json.dumps({"name": name, "labels": labels, "timestamp": stamp, "value": v})
            )
    return lines


def _spans(paths: Iterable[Path]) -> pd.DataFrame:
    frames = [
        pd.read_csv(p, usecols=["SpanID", "ParentID", "PodName", "StartTimeUnixNano", "Duration"])
        for p in paths
    ]
    if not frames:
        return pd.DataFrame()
    # the windows of neighbouring faults overlap: a span exported twice counts once
    return pd.concat(frames, ignore_index=True).drop_duplicates("SpanID")


def edge_points(paths: Iterable[Path], start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """Per-minute call-edge series from span CSVs (``Duration`` in microseconds)."""
    spans = _spans(paths)
    if spans.empty:
        return []
    spans["service"] = spans["PodName"].map(strip_pod_suffix)
    parent = spans[["SpanID", "service", "Duration"]].rename(
        columns={"SpanID": "ParentID", "service": "caller", "Duration": "client_us"}
    )
    calls = spans.merge(parent, on="ParentID")
    calls = calls[calls["caller"] != calls["service"]]
    started = pd.to_datetime(calls["StartTimeUnixNano"], utc=True)
    calls["minute"] = started.dt.floor("min")
    calls = calls[(calls["minute"] >= start) & (calls["minute"] <= end)]
    # the span files cover a few minutes around each fault, cut at arbitrary seconds: a
    # minute only partly covered would read as a drop in calls, so only whole minutes count
    # (a mesh exporter scrapes whole intervals)
    seconds = started.loc[calls.index].dt.floor("s")
    covered = seconds.groupby(calls["minute"]).nunique()
    calls = calls[calls["minute"].isin(covered[covered >= MIN_COVERED_SECONDS].index)]
    calls["seconds"] = calls["client_us"] / 1e6
    grouped = calls.groupby(["caller", "service", "minute"])["seconds"]
    stats = grouped.agg(
        requests="size", mean="mean", p90=lambda s: float(np.quantile(s, 0.9))
    ).reset_index()
    labels = {"source_workload": "caller", "destination_workload": "service"}
    return (
        _points("edge_requests", stats, labels, "requests")
        + _points("edge_request_duration_seconds_mean", stats, labels, "mean")
        + _points("edge_request_duration_seconds_p90", stats, labels, "p90")
    )
