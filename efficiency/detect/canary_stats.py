"""The statistics of the canary's metric and kernel checks: the rules, the check record, and
the two-sample test.

Why two tests. Replicates of a series are (host, time step) cells, but cells of one host are
not independent: hosts differ (hardware, neighbours, their share of the traffic), and a
canary on one slower host would read as a slower version if cells alone were compared. So a
check's p-value is the larger of

1. one-sided Mann-Whitney U over the cells (the rise is consistent over time), and
2. a one-sided t-test of the canary's per-host means against the control's, with the pooled
   between-host variance (the rise exceeds what hosts differ by; with one canary host, the
   control's hosts give the spread: a prediction-interval test).

Taking the larger of two valid p-values is an intersection-union test, valid at the same
level. The host test is skipped where it cannot be run (fewer than three hosts in all, or
series with no host, ``instance`` or ``pod`` label): then the cells alone decide, and a
host's own difference cannot be told from the version's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu
from scipy.stats import t as student_t

DEFAULT_ERRORS = ("*_errors_total", "*_error_total", "*_failures_total", "*_failed_total",
                  "*_exceptions_total", "*error_rate*", "*error_ratio*")  # fmt: skip
DEFAULT_LATENCY = ("*_duration_seconds", "*_duration_milliseconds", "*_duration_ms",
                   "*_latency_seconds", "*_latency_ms", "*_latency",
                   "*_response_time*")  # fmt: skip
DEFAULT_REQUESTS = ("*_requests_total", "*_requests_count", "*_request_count")
DEFAULT_CPU = ("process_cpu_seconds_total", "container_cpu_usage_seconds_total")


@dataclass(frozen=True)
class MetricRules:
    """Which series count as what, and when a check fails (``[canary]`` in the config)."""

    error_metrics: Sequence[str] = DEFAULT_ERRORS
    latency_metrics: Sequence[str] = DEFAULT_LATENCY
    request_metrics: Sequence[str] = DEFAULT_REQUESTS
    cpu_metrics: Sequence[str] = DEFAULT_CPU
    #: a request counter whose status label matches this regular expression counts errors
    error_status: str = "5.."
    #: the quantile read from a latency histogram's buckets
    latency_quantile: float = 0.99
    alpha: float = 0.01
    marginal_alpha: float = 0.05
    min_relative: float = 0.05
    min_points: int = 6
    #: a GPU kernel is checked when it holds at least this share of either side's GPU time
    kernel_min_share: float = 0.01

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= self.marginal_alpha < 1:
            raise ValueError("metric_alpha: need 0 < metric_alpha <= marginal_alpha < 1")
        if self.min_points < 3:
            raise ValueError("metric_min_points: need at least 3")
        if not 0 < self.latency_quantile < 1:
            raise ValueError("latency_quantile: need 0 < q < 1")
        re.compile(self.error_status)


@dataclass
class MetricCheck:
    metric: str  #: the series (or kernel) judged, as its operator would name it
    kind: str  #: error | latency | cpu_per_request | gpu_kernel
    unit: str
    canary_median: float | None
    control_median: float | None
    effect: float | None  #: relative rise of the median (mean where the control's is 0)
    p_value: float | None  #: one-sided Mann-Whitney, Holm-corrected within the family
    points: dict[str, int]
    status: str  #: fail | marginal | ok | insufficient
    cores: float | None = None  #: projected extra cores at 100% rollout
    dollars_per_month: float | None = None
    gpu_busy_rel: float | None = None  #: projected extra share of GPU busy time
    detail: dict[str, Any] = field(default_factory=dict)


def _by_side(values: pd.Series, side: str) -> np.ndarray:
    """The finite values of ``values`` (indexed by ``side``, first level) on one side."""
    if values.empty:
        return np.array([])
    a = np.asarray(values[values.index.get_level_values("side") == side], dtype=float)
    return a[np.isfinite(a)]


# ------------------------------------------------------------------------------- the test


def _effect(c: np.ndarray, k: np.ndarray) -> float:
    mc, mk = float(np.median(c)), float(np.median(k))
    if mk != 0:
        return (mc - mk) / abs(mk)
    ac, ak = float(np.mean(c)), float(np.mean(k))
    if ak != 0:
        return (ac - ak) / abs(ak)
    return math.inf if ac > ak else 0.0


def compare(
    metric: str, kind: str, unit: str, values: pd.Series, rules: MetricRules
) -> MetricCheck:
    """One check: ``values`` indexed by side (canary | control, other sides ignored) and,
    for the host test, host. The p-value is raw until :func:`decide` corrects it."""
    c, k = _by_side(values, "canary"), _by_side(values, "control")
    points = {"canary": int(c.size), "control": int(k.size)}
    if min(c.size, k.size) < rules.min_points:
        med = (float(np.median(c)) if c.size else None, float(np.median(k)) if k.size else None)
        return MetricCheck(metric, kind, unit, med[0], med[1], None, None, points, "insufficient")
    both = np.concatenate([c, k])
    p_cells = 1.0 if np.ptp(both) == 0 else float(mannwhitneyu(c, k, alternative="greater").pvalue)
    p_hosts, hosts = between_hosts(values)
    p = p_cells if p_hosts is None else max(p_cells, p_hosts)
    detail = {"p_cells": p_cells, "p_hosts": p_hosts, "hosts": hosts}
    return MetricCheck(metric, kind, unit, float(np.median(c)), float(np.median(k)),
                       _effect(c, k), p, points, "ok", detail=detail)  # fmt: skip


def decide(checks: list[MetricCheck], rules: MetricRules) -> list[MetricCheck]:
    """Holm-correct the p-values of the judged checks (one family) and set each status."""
    judged = [c for c in checks if c.p_value is not None]
    order = sorted(range(len(judged)), key=lambda i: judged[i].p_value or 0.0)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(judged) - rank) * (judged[i].p_value or 0.0)))
        judged[i].p_value = running
    for c in judged:
        big = c.effect is not None and c.effect >= rules.min_relative
        p = c.p_value if c.p_value is not None else 1.0
        c.status = "fail" if big and p < rules.alpha else (
            "marginal" if big and p < rules.marginal_alpha else "ok")  # fmt: skip
    rank_of = {"fail": 0, "marginal": 1, "insufficient": 2, "ok": 3}
    return sorted(checks, key=lambda c: (rank_of[c.status], c.p_value or 1.0, c.metric))


def between_hosts(values: pd.Series) -> tuple[float | None, dict[str, int]]:
    """One-sided pooled t-test of the canary's host means against the control's (see the
    module docstring); None when ``values`` has no ``host`` level or too few hosts."""
    if "host" not in (values.index.names or []):
        return None, {}
    finite = values[np.isfinite(np.asarray(values, dtype=float))]
    means = finite.groupby(level=["side", "host"]).mean()
    c, k = (np.asarray(_by_side(means, s)) for s in ("canary", "control"))
    hosts = {"canary": int(c.size), "control": int(k.size)}
    dof = c.size + k.size - 2
    if c.size == 0 or k.size == 0 or dof < 1:
        return None, hosts
    ss = float(((c - c.mean()) ** 2).sum() + ((k - k.mean()) ** 2).sum())
    diff = float(c.mean() - k.mean())
    if ss <= 0:
        return (0.0 if diff > 0 else 1.0), hosts
    t = diff / (math.sqrt(ss / dof) * math.sqrt(1 / c.size + 1 / k.size))
    return float(student_t.sf(t, dof)), hosts
