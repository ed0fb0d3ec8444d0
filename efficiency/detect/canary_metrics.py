"""Canary checks on metric series: error rate, latency and CPU per request, canary vs control.

The profile comparison (``efficiency.detect.canary``) says *which function* got slower; these
checks say whether the service got worse for its users or costlier per unit of work, as
Kayenta's per-metric judges do. Pure: a long table of points in, :class:`MetricCheck` out.

- **Which series are which** is decided by name patterns (``fnmatch`` globs, configurable in
  ``[canary]``), with defaults that cover common Prometheus names: ``*_errors_total`` and the
  like are errors; a ``*_requests_total`` series whose ``code``/``status`` label matches
  ``5..`` counts errors too; ``*_duration_seconds`` (gauges and summary quantiles, or a
  histogram's ``_bucket``/``_sum``/``_count``) is latency; ``*_requests_total`` is throughput;
  ``process_cpu_seconds_total`` is CPU.
- **Counters** (names ending ``_total``, ``_count``, ``_sum`` or ``_bucket``) become increases
  between consecutive points (a drop is a restart: the new value is the increase); anything
  else is a gauge whose points are used as they are.
- **Replicates** are (host, time step) cells: increases are summed per host and step (the
  step is the median scrape interval), so an error *ratio* (errors / requests), a mean or
  quantile latency and CPU seconds per request are computed per host and step. Where only
  profile windows say how much CPU a host used, each window is one replicate.
- **The test** is one-sided (is the canary's value higher: more errors, slower, costlier):
  Mann-Whitney U over the cells, and a t-test of per-host means against the spread between
  hosts, the larger p-value of the two (``efficiency.detect.canary_stats``), Holm-corrected
  over the checks of one family, as the profile checks are.
  A check fails when the corrected p-value is below ``alpha`` and the median (or, when the
  control's median is 0, the mean) rose by at least ``min_relative``; ``marginal`` below
  ``marginal_alpha``. Fewer than ``min_points`` replicates on either side is
  ``insufficient`` for that check, never ``ok``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

import numpy as np
import pandas as pd

from efficiency.detect.canary_stats import MetricCheck, MetricRules, compare, decide
from efficiency.report.costs import CostModel

STATUS_LABELS = ("code", "status", "status_code", "http_status")
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")


# ----------------------------------------------------------------------------- series sides


def host_of(labels: Mapping[str, Any]) -> str:
    """The host a series belongs to: its ``host`` label, else ``instance`` without the port,
    else ``pod`` (a Kubernetes canary is a set of pods)."""
    if labels.get("host"):
        return str(labels["host"])
    inst = str(labels.get("instance") or "")
    if inst:
        return inst.rsplit(":", 1)[0] if re.search(r":\d+$", inst) else inst
    return str(labels.get("pod") or "")


def side_of(
    labels: Mapping[str, Any],
    service: str,
    canary: Mapping[str, Sequence[str]],
    control: Mapping[str, Sequence[str]],
) -> str | None:
    """``canary``, ``control``, ``other`` (the service's, neither side) or None (another
    service's). A series is the service's when its ``service``, ``job`` or ``app`` label says
    so, or it has none of them (a host-level series the selectors then decide on); the
    selectors match labels as they match profile windows, ``host`` against :func:`host_of`."""
    owners = [str(labels[k]) for k in ("service", "job", "app") if labels.get(k)]
    if owners and service not in owners:
        return None

    def hit(sel: Mapping[str, Sequence[str]]) -> bool:
        for key, allowed in sel.items():
            value = host_of(labels) if key == "host" else labels.get(key)
            if value is None or str(value) not in allowed:
                return False
        return True

    c, k = hit(canary), hit(control)
    if c and not k:
        return "canary"
    if k and not c:
        return "control"
    return "other" if owners else None


def is_counter(name: str) -> bool:
    return name.endswith(COUNTER_SUFFIXES)


def _any(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatchcase(name, g) for g in globs)


def _status(labels: Mapping[str, Any]) -> str | None:
    for key in STATUS_LABELS:
        if labels.get(key) is not None:
            return str(labels[key])
    return None


def wanted(name: str, rules: MetricRules) -> bool:
    """Whether a series called ``name`` takes part in any check (to read only those)."""
    base = _strip(name)
    return (_any(name, rules.error_metrics) or _any(name, rules.request_metrics)
            or _any(name, rules.cpu_metrics) or _any(name, rules.latency_metrics)
            or (base != name and _any(base, rules.latency_metrics)))  # fmt: skip


def _named(frame: pd.DataFrame, globs: Sequence[str], base: bool = False) -> pd.Series:
    """Boolean mask of the rows whose name (or, with ``base``, its name without a histogram
    suffix) matches one of ``globs``; boolean even for an empty frame."""
    names = frame["name"].map(_strip) if base else frame["name"]
    return names.map(lambda n: _any(n, globs)).astype(bool)


def _strip(name: str) -> str:
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# ---------------------------------------------------------------------------- replicates


def increases(points: pd.DataFrame) -> pd.DataFrame:
    """Counter points (``series_id, ts, value`` ...) → one row per consecutive pair with its
    ``inc``rease (a drop is a restart: the new value) at the later ``ts``."""
    if points.empty:
        return points.assign(inc=pd.Series(dtype=float))
    p = points.sort_values(["series_id", "ts"])
    diff = p.groupby("series_id")["value"].diff()
    inc = diff.where(diff >= 0, p["value"])
    return p.assign(inc=inc)[diff.notna()]


def _cells(frame: pd.DataFrame, t0: pd.Timestamp, step: float) -> pd.DataFrame:
    sec = (frame["ts"] - t0).dt.total_seconds()
    return frame.assign(host=frame["labels"].map(host_of), cell=np.floor(sec / step))


def _sum_cells(frame: pd.DataFrame, col: str = "inc") -> pd.Series:
    return frame.groupby(["side", "host", "cell"])[col].sum()


def _median_step(points: pd.DataFrame) -> float:
    if points.empty:
        return 60.0
    gaps = points.sort_values(["series_id", "ts"]).groupby("series_id")["ts"].diff()
    gaps = gaps.dt.total_seconds().dropna()
    gaps = gaps[gaps > 0]
    return float(gaps.median()) if len(gaps) else 60.0


def _histogram_quantile(q: float, buckets: pd.Series) -> float:
    """Prometheus' ``histogram_quantile`` over one cell's bucket increases (index ``le``)."""
    les = sorted(buckets.index, key=float)
    counts = np.array([buckets[le] for le in les], dtype=float)
    bounds = np.array([float(le) for le in les])
    total = counts[-1]
    if total <= 0 or not np.isinf(bounds[-1]):
        return math.nan
    rank = q * total
    i = int(np.searchsorted(counts, rank, side="left"))
    if i >= len(bounds) - 1:
        return float(bounds[-2]) if len(bounds) > 1 else math.nan
    lo_b, lo_c = (0.0, 0.0) if i == 0 else (bounds[i - 1], counts[i - 1])
    width = counts[i] - lo_c
    return float(lo_b + (bounds[i] - lo_b) * ((rank - lo_c) / width if width > 0 else 1.0))


# ----------------------------------------------------------------------------- the checks


def check_series(
    points: pd.DataFrame,
    rules: MetricRules,
    windows: pd.DataFrame | None = None,
    cost: CostModel | None = None,
) -> list[MetricCheck]:
    """Error, latency and CPU-per-request checks. ``points``: ``series_id, name, labels, ts,
    value, side`` (canary | control | other: the service's series on neither side, which
    still count for its request rate). ``windows`` (optional): profile windows as ``side,
    host, start, end, cpu, unit`` (cpu seconds, or samples when the rate is unknown), used
    for CPU per request where no CPU series exists."""
    if points.empty:
        return []
    counter = points["name"].map(is_counter).astype(bool)
    t0 = points["ts"].min()
    step = _median_step(points[counter])
    counters = _cells(increases(points[counter]), t0, step)
    gauges = _cells(points[~counter], t0, step)
    requests = counters[_named(counters, rules.request_metrics)]
    if requests.empty:  # a latency histogram's _count counts the requests too
        count = counters["name"].str.endswith("_count").astype(bool)
        requests = counters[count & _named(counters, rules.latency_metrics, base=True)]
    req_cells = _sum_cells(requests)
    checks = [
        *_error_checks(counters, gauges, requests, req_cells, step, rules),
        *_latency_checks(counters, gauges, rules),
        *_cpu_checks(counters, requests, req_cells, windows, step, rules, cost or CostModel()),
    ]
    return decide(checks, rules)


def _error_checks(
    counters: pd.DataFrame, gauges: pd.DataFrame, requests: pd.DataFrame,
    req_cells: pd.Series, step: float, rules: MetricRules,
) -> list[MetricCheck]:  # fmt: skip
    out = []
    named = counters[_named(counters, rules.error_metrics)]
    for name, rows in named.groupby("name"):
        errs = _sum_cells(rows)
        if req_cells.empty:
            out.append(compare(str(name), "error", "per second", errs / step, rules))
            continue
        ratio = (errs.reindex(req_cells.index, fill_value=0.0) / req_cells).where(req_cells > 0)
        out.append(compare(f"{name} / requests", "error", "ratio", ratio, rules))
    status_re = re.compile(rules.error_status)
    status = requests["labels"].map(_status)
    bad = status.map(lambda s: s is not None and status_re.fullmatch(s) is not None).astype(bool)
    for name, rows in requests[bad].groupby("name"):
        total = _sum_cells(requests[requests["name"] == name])
        ratio = (_sum_cells(rows).reindex(total.index, fill_value=0.0) / total).where(total > 0)
        metric = f'{name}{{status=~"{rules.error_status}"}} / {name}'
        out.append(compare(metric, "error", "ratio", ratio, rules))
    for name, rows in gauges[_named(gauges, rules.error_metrics)].groupby("name"):
        out.append(
            compare(str(name), "error", "value", rows.set_index(["side", "host"])["value"], rules)
        )
    return out


def _latency_checks(
    counters: pd.DataFrame, gauges: pd.DataFrame, rules: MetricRules
) -> list[MetricCheck]:
    out = []
    lat = gauges[_named(gauges, rules.latency_metrics)]
    lat = lat.assign(q=lat["labels"].map(lambda lb: str(lb.get("quantile", ""))))
    for (name, q), rows in lat.groupby(["name", "q"]):
        metric = f'{name}{{quantile="{q}"}}' if q else str(name)
        out.append(
            compare(metric, "latency", "value", rows.set_index(["side", "host"])["value"], rules)
        )
    base = counters["name"].map(_strip)
    hist = counters[(base != counters["name"]) & _named(counters, rules.latency_metrics, True)]
    for b, rows in hist.groupby(base[hist.index]):
        total, count = (_sum_cells(rows[rows["name"] == f"{b}{s}"]) for s in ("_sum", "_count"))
        if not total.empty and not count.empty:
            mean = (total / count).where(count > 0)
            out.append(compare(f"{b} (mean)", "latency", "mean", mean, rules))
        bk = rows[rows["name"] == f"{b}_bucket"]
        if not bk.empty:
            bk = bk.assign(le=bk["labels"].map(lambda lb: str(lb.get("le", ""))))
            bk = bk[bk["le"] != ""]
            cells = bk.groupby(["side", "host", "cell", "le"])["inc"].sum()
            q = rules.latency_quantile
            quant = cells.groupby(level=["side", "host", "cell"]).apply(
                lambda x, q=q: _histogram_quantile(q, x.droplevel(["side", "host", "cell"]))
            )
            out.append(compare(f"{b} (p{q * 100:g})", "latency", "quantile", quant, rules))
    return out


def _cpu_checks(
    counters: pd.DataFrame, requests: pd.DataFrame, req_cells: pd.Series,
    windows: pd.DataFrame | None, step: float, rules: MetricRules, cost: CostModel,
) -> list[MetricCheck]:  # fmt: skip
    if req_cells.empty:
        return []
    cpu = counters[_named(counters, rules.cpu_metrics)]
    if not cpu.empty:
        used = _sum_cells(cpu)
        per = (used / req_cells.reindex(used.index)).where(lambda x: np.isfinite(x))
        metric, unit = f"{cpu['name'].iloc[0]} per request", "cpu-seconds"
    elif windows is not None and not windows.empty:
        per, unit = _per_window(windows, requests), str(windows["unit"].iloc[0])
        metric = f"profiled {'CPU' if unit == 'cpu-seconds' else 'samples'} per request"
    else:
        return []
    check = compare(metric, "cpu_per_request", f"{unit} per request", per, rules)
    # increases are stamped at the end of their step: the first one began a step earlier
    span = (requests["ts"].max() - requests["ts"].min()).total_seconds() + step
    if check.p_value is not None and unit == "cpu-seconds":
        rate = float(requests["inc"].sum()) / span  # the whole service's requests per second
        delta = (check.canary_median or 0.0) - (check.control_median or 0.0)
        check.cores = round(delta * rate, 4)
        check.dollars_per_month = cost.monthly(cores=max(check.cores, 0.0))["dollars_per_month"]
        check.detail["requests_per_second"] = round(rate, 3)
    return [check]


def _per_window(windows: pd.DataFrame, requests: pd.DataFrame) -> pd.Series:
    """CPU (or samples) of each profile window over the requests its host served in it."""
    by_host = {str(h): g for h, g in requests.groupby("host")}
    values, keys = [], []
    for w in windows.itertuples(index=False):
        g = by_host.get(str(w.host))
        served = (
            0.0 if g is None else float(g["inc"][(g["ts"] > w.start) & (g["ts"] <= w.end)].sum())
        )
        values.append(w.cpu / served if served > 0 else math.nan)
        keys.append((w.side, str(w.host)))
    index = pd.MultiIndex.from_tuples(keys, names=["side", "host"])
    return pd.Series(values, index=index, dtype=float)
