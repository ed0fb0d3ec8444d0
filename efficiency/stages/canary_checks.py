"""The canary's metric and GPU kernel checks over the store: pick each side's series and
traces with the same selectors as its profile windows, then judge them
(``efficiency.detect.canary_metrics`` and ``canary_kernels``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from efficiency.config import Config
from efficiency.detect.canary_kernels import check_kernels, host_side
from efficiency.detect.canary_metrics import check_series, host_of, side_of, wanted
from efficiency.detect.canary_stats import MetricCheck, MetricRules
from efficiency.report.costs import CostModel
from efficiency.store.canary_metric_queries import (
    series_named,
    series_names,
    series_points,
    trace_kernels,
)
from efficiency.store.canary_queries import SelectedWindow
from efficiency.store.db import Database

Selector = dict[str, list[str]]


def metric_rules(config: Config) -> MetricRules:
    c = config.canary
    return MetricRules(
        error_metrics=tuple(c.error_metrics), latency_metrics=tuple(c.latency_metrics),
        request_metrics=tuple(c.request_metrics), cpu_metrics=tuple(c.cpu_metrics),
        error_status=c.error_status, latency_quantile=c.latency_quantile,
        alpha=c.metric_alpha, marginal_alpha=max(c.marginal_alpha, c.metric_alpha),
        min_relative=c.metric_min_relative, min_points=c.metric_min_points,
        kernel_min_share=c.kernel_min_share,
    )  # fmt: skip


def run_checks(
    db: Database, config: Config, service: str, canary: Selector, control: Selector,
    start: datetime | None, end: datetime | None,
    canary_windows: Sequence[SelectedWindow], control_windows: Sequence[SelectedWindow],
) -> list[MetricCheck]:  # fmt: skip
    """Every metric and kernel check of ``service`` between the two sides."""
    rules = metric_rules(config)
    with db.session() as s:
        series = series_named(s, [n for n in series_names(s) if wanted(n, rules)])
        sides = {sid: side_of(labels, service, canary, control) for sid, _, labels in series}
        meta = pd.DataFrame(
            [(sid, name, labels, sides[sid]) for sid, name, labels in series if sides[sid]],
            columns=["series_id", "name", "labels", "side"],
        )
        points = series_points(s, list(meta["series_id"]), start, end)
        kernels = trace_kernels(s, service, start, end)
    profiled = {"canary": {w.host for w in canary_windows},
                "control": {w.host for w in control_windows}}  # fmt: skip
    # the service's series no selector matched (no version label, say) follow their host
    other = meta["side"] == "other"
    meta.loc[other, "side"] = [
        host_side(host_of(lb), canary, control, profiled) or "other"
        for lb in meta.loc[other, "labels"]
    ]
    frame = points.merge(meta, on="series_id")
    hosts = {
        side: {w.host for w in windows}
        | {host_of(lb) for lb in frame.loc[frame["side"] == side, "labels"]}
        for side, windows in (("canary", canary_windows), ("control", control_windows))
    }
    kernels["side"] = [host_side(str(h), canary, control, hosts) for h in kernels["host"]]
    cost = CostModel.from_config(config.costs)
    return check_series(frame, rules, _windows(canary_windows, control_windows), cost) + (
        check_kernels(kernels, rules)
    )


def _windows(canary: Sequence[SelectedWindow], control: Sequence[SelectedWindow]) -> pd.DataFrame:
    """Profile windows as CPU seconds (samples over the rate), or samples when some window
    has no rate."""
    every = [*canary, *control]
    seconds = bool(every) and all(w.rate_hz for w in every)
    rows = [
        (side, w.host, pd.Timestamp(w.start), pd.Timestamp(w.end),
         sum(w.stacks.values()) / (w.rate_hz if seconds and w.rate_hz else 1.0))
        for side, ws in (("canary", canary), ("control", control)) for w in ws
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["side", "host", "start", "end", "cpu"])
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame.assign(unit="cpu-seconds" if seconds else "samples")
