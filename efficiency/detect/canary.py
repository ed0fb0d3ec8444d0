"""Two-sample canary analysis: which function made the canary slower than its control.

Canary and control run side by side over the same wall-clock window, so load and time of day
cancel. Each side is a set of profile *windows* (one host's samples over part of the
window); a window is one replicate. Per function, its self share (leaf samples) and inclusive
share (samples with it anywhere on the stack) are compared between the sides with the same
statistic the regression detector (``efficiency.detect.regression``) uses before/after:

1. the two-proportion z statistic of the pooled shares;
2. scaled by the over-dispersion of the windows around their side's share (Pearson residuals,
   a quasi-binomial model: hosts and moments differ by more than sampling noise), moderated
   towards the pooled dispersion of all the service's functions as the detector's
   ``_moderate`` does, and read against Student's t with the estimate's degrees of freedom;
3. p-values corrected for the number of functions tested (Holm, family-wise);
4. only changes of at least ``min_relative`` (relative change of the function's cost, the
   odds ratio of its share) and ``min_absolute`` (share points)
   count, the detector's defaults.

A side with fewer than ``min_windows`` windows or ``min_samples`` samples cannot be judged:
the verdict is ``insufficient`` (never ``pass``). A significant, large enough rise of a
share is a ``fail``; one that is large enough and significant only at the looser
``marginal_alpha`` is ``marginal``. The cost at 100% rollout: ``service_cores`` (what the
whole service uses) times the rise of the function's share, in cores and dollars per month
(``efficiency.report.costs.CostModel``). Optional metric series (error rate, latency) are
compared with Mann-Whitney U, as Kayenta does per metric.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri, stdtr
from scipy.stats import mannwhitneyu

from efficiency.detect.regression import DOF_FACTOR, _moderate
from efficiency.report.costs import CostModel

Stack = tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """One host's samples over part of the analysis window: root-to-leaf stacks of function
    names and their sample counts."""

    host: str
    stacks: Mapping[Stack, int]

    @property
    def total(self) -> int:
        return int(sum(self.stacks.values()))


@dataclass(frozen=True)
class CanaryThresholds:
    alpha: float = 1e-3  #: family-wise, after the Holm correction
    marginal_alpha: float = 0.05
    min_relative: float = 0.05
    min_absolute: float = 0.001
    min_windows: int = 3  #: per side
    min_samples: int = 2000  #: per side
    prior_dof: float = 10.0
    metric_alpha: float = 0.01
    #: fewest samples of a function per window (on average over both sides) for it to be
    #: tested, as the detector's ``min_samples``: below it the normal approximation fails
    min_function_samples: float = 20.0

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= self.marginal_alpha < 1:
            raise ValueError("alpha: need 0 < alpha <= marginal_alpha < 1")
        if self.min_windows < 2:
            raise ValueError("min_windows: need at least 2 windows per side")


@dataclass
class FunctionResult:
    function: str
    metric: str  #: self | inclusive
    control_share: float
    canary_share: float
    z: float
    p_value: float  #: Holm-corrected
    dispersion: float
    cores: float | None  #: projected at 100% rollout
    dollars_per_month: float | None
    status: str  #: fail | marginal | ok

    @property
    def relative(self) -> float:
        """Relative change of the function's *cost*, the rest of the program held fixed: the
        odds ratio of its share minus one (a share 0.8 -> 0.815 is +10% of its cost, though
        only +1.9% of its share); inf from zero."""
        c, k = self.canary_share, self.control_share
        if k == 0 or c == 1:
            return float("inf") if c > k else 0.0
        if c == 0:
            return -1.0
        return (c / (1 - c)) / (k / (1 - k)) - 1.0


@dataclass
class MetricResult:
    name: str
    control_median: float
    canary_median: float
    p_value: float
    status: str  #: fail | ok


@dataclass
class CanaryVerdict:
    verdict: str  #: pass | marginal | fail | insufficient
    score: float  #: 0..100, share-weighted fraction of tested functions without a regression
    reason: str
    samples: dict[str, int]
    windows: dict[str, int]
    functions: list[FunctionResult] = field(default_factory=list)
    metrics: list[MetricResult] = field(default_factory=list)
    flame_diff: list[dict[str, Any]] = field(default_factory=list)
    #: metric and GPU kernel checks (``efficiency.detect.canary_metrics.MetricCheck``)
    checks: list[Any] = field(default_factory=list)

    @property
    def failing(self) -> list[FunctionResult]:
        return [f for f in self.functions if f.status == "fail"]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for f, d in zip(self.functions, out["functions"], strict=True):
            d["relative"] = f.relative if np.isfinite(f.relative) else None
        for d in out["checks"]:
            if d["effect"] is not None and not np.isfinite(d["effect"]):
                d["effect"] = None  # from zero: JSON has no infinity
        out["failures"] = [
            {"function": d["function"], "share": d["metric"], "effect": d["relative"],
             "p_value": d["p_value"], "cores": d["cores"],
             "dollars_per_month": d["dollars_per_month"]}
            for d in out["functions"] if d["status"] == "fail"
        ] + [
            {"metric": d["metric"], "kind": d["kind"], "effect": d["effect"],
             "p_value": d["p_value"], "cores": d["cores"],
             "dollars_per_month": d["dollars_per_month"], "gpu_busy_rel": d["gpu_busy_rel"]}
            for d in out["checks"] if d["status"] == "fail"
        ]  # fmt: skip
        return out


def _counts(windows: Sequence[Window]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per function, self and inclusive sample counts per window."""
    selfc: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(windows)))
    incl: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(windows)))
    for i, w in enumerate(windows):
        for stack, count in w.stacks.items():
            if not stack or count <= 0:
                continue
            selfc[stack[-1]][i] += count
            for fn in set(stack):
                incl[fn][i] += count
    return dict(selfc), dict(incl)


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def _two_sample(
    k_c: np.ndarray, n_c: np.ndarray, k_k: np.ndarray, n_k: np.ndarray, prior_dof: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows are functions, columns windows (``_c`` canary, ``_k`` control). Returns shares
    (canary, control), the dispersion-adjusted z, its two-sided p-value and the dispersion."""
    kc, nc = k_c.sum(axis=1), n_c.sum()
    kk, nk = k_k.sum(axis=1), n_k.sum()
    pc, pk = kc / nc, kk / nk
    pooled = (kc + kk) / (nc + nk)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nk))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (pc - pk) / se, 0.0)
        # Pearson residuals of every window around its own side's share
        r2 = []
        for k, n, p in ((k_c, n_c, pc), (k_k, n_k, pk)):
            var = n[None, :] * p[:, None] * (1 - p[:, None])
            r2.append(np.where(var > 0, (k - n[None, :] * p[:, None]) ** 2 / var, np.nan))
        res = np.concatenate(r2, axis=1)
    valid = np.isfinite(res).sum(axis=1)
    dof = np.maximum(valid - 2, 1).astype(float)
    dispersion = np.where(valid > 2, np.nansum(res, axis=1) / dof, 1.0)
    dispersion = np.maximum(dispersion, 1.0)
    groups = np.zeros(len(dispersion), dtype=int)  # one service: every function borrows
    if prior_dof > 0 and len(dispersion) > 1:
        dispersion, dof = _moderate(dispersion, DOF_FACTOR * dof + 1.0, groups, prior_dof)
    z_adj = z / np.sqrt(dispersion)
    p = 2 * (1 - ndtr(np.minimum(ndtri(stdtr(dof, np.abs(z_adj))), 40.0)))
    return pc, pk, z_adj, np.clip(p, 0.0, 1.0), dispersion


def flame_diff(canary: Sequence[Window], control: Sequence[Window], top: int = 50) -> list[dict]:
    """Per stack, canary share minus control share, largest differences first."""
    totals = [max(sum(w.total for w in side), 1) for side in (canary, control)]
    shares: dict[Stack, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for side, windows in enumerate((canary, control)):
        for w in windows:
            for stack, count in w.stacks.items():
                shares[stack][side] += count / totals[side]
    rows = [
        {"stack": ";".join(s), "canary": round(c, 6), "control": round(k, 6), "delta": c - k}
        for s, (c, k) in shares.items()
    ]
    rows.sort(key=lambda r: -abs(r["delta"]))
    for r in rows:
        r["delta"] = round(r["delta"], 6)
    return rows[:top]


def compare_metric(
    name: str, canary: Sequence[float], control: Sequence[float], alpha: float = 0.01
) -> MetricResult:
    """Mann-Whitney U, one-sided (is the canary's metric higher: more errors, slower)."""
    c = np.asarray(canary, dtype=float)
    k = np.asarray(control, dtype=float)
    if c.size < 3 or k.size < 3:
        raise ValueError(f"{name}: need at least 3 points per side")
    p = float(mannwhitneyu(c, k, alternative="greater").pvalue)
    status = "fail" if p < alpha else "ok"
    return MetricResult(name, float(np.median(k)), float(np.median(c)), p, status)


def analyze(
    canary: Sequence[Window],
    control: Sequence[Window],
    thresholds: CanaryThresholds | None = None,
    service_cores: float | None = None,
    cost: CostModel | None = None,
    metrics: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
) -> CanaryVerdict:
    """Judge ``canary`` against ``control`` (see the module docstring). ``metrics`` maps a
    metric name to its (canary, control) values over the same window."""
    th = thresholds or CanaryThresholds()
    cost = cost or CostModel()
    canary = [w for w in canary if w.total > 0]
    control = [w for w in control if w.total > 0]
    samples = {"canary": sum(w.total for w in canary), "control": sum(w.total for w in control)}
    windows = {"canary": len(canary), "control": len(control)}
    short = [
        f"{side}: {windows[side]} windows / {samples[side]} samples"
        for side in ("canary", "control")
        if windows[side] < th.min_windows or samples[side] < th.min_samples
    ]
    if short:
        reason = (
            f"not enough data ({'; '.join(short)}); need {th.min_windows} windows and "
            f"{th.min_samples} samples per side"
        )
        return CanaryVerdict("insufficient", 0.0, reason, samples, windows)
    n_c = np.array([w.total for w in canary], dtype=float)
    n_k = np.array([w.total for w in control], dtype=float)
    self_c, incl_c = _counts(canary)
    self_k, incl_k = _counts(control)
    results: list[FunctionResult] = []
    weights: list[float] = []
    for metric, cmap, kmap in (("self", self_c, self_k), ("inclusive", incl_c, incl_k)):
        names = sorted(set(cmap) | set(kmap))
        # a share of 100% (the root frames) cannot change
        names = [
            f
            for f in names
            if not (metric == "inclusive" and _always(f, cmap, kmap, n_c, n_k))
            and _enough(f, cmap, kmap, len(canary) + len(control), th.min_function_samples)
        ]
        if not names:
            continue
        kc = np.array([cmap.get(f, np.zeros(len(canary))) for f in names])
        kk = np.array([kmap.get(f, np.zeros(len(control))) for f in names])
        pc, pk, z, p, disp = _two_sample(kc, n_c, kk, n_k, th.prior_dof)
        for i, f in enumerate(names):
            results.append(
                FunctionResult(
                    f,
                    metric,
                    float(pk[i]),
                    float(pc[i]),
                    float(z[i]),
                    float(p[i]),
                    float(disp[i]),
                    None,
                    None,
                    "ok",
                )
            )
            weights.append(float(pk[i]) if metric == "self" else 0.0)
    adjusted = _holm(np.array([r.p_value for r in results]))
    for r, p_adj in zip(results, adjusted, strict=True):
        r.p_value = float(p_adj)
        delta = r.canary_share - r.control_share
        big = delta >= th.min_absolute and r.relative >= th.min_relative
        if big and p_adj < th.alpha:
            r.status = "fail"
        elif big and p_adj < th.marginal_alpha:
            r.status = "marginal"
        if service_cores is not None:
            r.cores = round(service_cores * delta, 4)
            r.dollars_per_month = cost.monthly(cores=max(r.cores, 0.0))["dollars_per_month"]
    metric_results = [
        compare_metric(name, c, k, th.metric_alpha) for name, (c, k) in (metrics or {}).items()
    ]
    w = np.array(weights)
    bad = np.array([r.status != "ok" for r in results])
    score = 100.0 * (1.0 - float(w[bad].sum()) / max(float(w.sum()), 1e-12))
    if metric_results:
        ok_metrics = sum(m.status == "ok" for m in metric_results)
        score = (score + 100.0 * ok_metrics) / (1 + len(metric_results))
    results.sort(key=lambda r: ({"fail": 0, "marginal": 1, "ok": 2}[r.status], r.p_value))
    fails = [r for r in results if r.status == "fail"]
    bad_metrics = [m for m in metric_results if m.status == "fail"]
    if fails or bad_metrics:
        verdict = "fail"
        named = [f"{r.function} ({r.metric} {r.relative:+.1%})" for r in fails[:5]]
        reason = "regressed: " + ", ".join(named + [m.name for m in bad_metrics])
    elif any(r.status == "marginal" for r in results):
        verdict = "marginal"
        reason = "weak evidence of a regression: " + ", ".join(
            r.function for r in results if r.status == "marginal"
        )
    else:
        verdict, reason = "pass", "no function or metric regressed"
    return CanaryVerdict(
        verdict,
        round(score, 2),
        reason,
        samples,
        windows,
        results,
        metric_results,
        flame_diff(canary, control),
    )


def _always(
    f: str,
    cmap: Mapping[str, np.ndarray],
    kmap: Mapping[str, np.ndarray],
    n_c: np.ndarray,
    n_k: np.ndarray,
) -> bool:
    c, k = cmap.get(f), kmap.get(f)
    return c is not None and k is not None and bool(np.all(c == n_c) and np.all(k == n_k))


def _enough(
    f: str,
    cmap: Mapping[str, np.ndarray],
    kmap: Mapping[str, np.ndarray],
    windows: int,
    least: float,
) -> bool:
    total = float(cmap[f].sum() if f in cmap else 0.0) + float(kmap[f].sum() if f in kmap else 0.0)
    return total / max(windows, 1) >= least


def windows_from_folded(host: str, text: str) -> Window:
    """A window from folded text (``a;b;c count`` per line); frames are reduced to their
    function name (``name (file:line)`` → ``name``)."""
    stacks: dict[Stack, int] = defaultdict(int)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        stack_text, _, count = line.rpartition(" ")
        frames = tuple(fr.split(" (", 1)[0] for fr in stack_text.split(";") if fr)
        if frames and count.isdigit():
            stacks[frames] += int(count)
    return Window(host, dict(stacks))
