"""Function-level regressions and improvements of a share panel, with the filters that remove
the classic false positives and report each change once, at its most specific frame.

- **Self and inclusive.** Both shares are tested: a function that got slower itself shows in
  its self share; one that calls more of something (none of it individually significant)
  shows only in its inclusive share.
- **Most specific frame.** Every caller of a regressed function sees its inclusive share rise
  by the same amount. An inclusive change is dropped when the function's own self change, or
  changes deeper in its call tree, account for at least half of it; the deepest finding stays.
- **Cost shift.** When cost moves from one function to another (a caller to a callee after
  inlining, a function renamed or split) one goes up and the other down by as much, and their
  common caller's inclusive share does not move: nothing got more expensive. Such pairs are
  dropped. "Does not move" is judged against the rise a new cost would give that caller,
  (1 - its share) / (1 - the function's share) of the function's rise: a caller that already
  holds most samples, like a thread's entry frame, has little room to grow.
- **Dilution.** Shares add up to one: when one function regresses, every other function's
  share shrinks although its cost did not change (and grows when one improves). Most
  functions do not change at once, so the median after/before ratio of a service's shares is
  that common factor; a change that is just this factor is dropped.
- **Seasonality.** A daily (or weekly) shape in a share looks like a change when the scan
  splits it between its peak and its trough, and it inflates the noise estimate so that real
  changes hide. With two periods of history every series is also tested with its typical
  shape removed (``seasonal_adjust``: the median share per phase across periods, vectorized),
  and that result is used where the shape explains the noise. A finding that remains is
  confirmed with STL (statsmodels, robust) learnt on one side of the onset only: it must
  still be found once that shape is removed.
- **Went away** is decided by the detector (``ShareRegressionDetector``).
- **Too cheap.** Last, a change that survived every filter is reported only when it is large
  enough in cost (``efficiency.detect.floors``); the filters see every significant change
  first, so both sides of a cost shift are paired even when one of them is cheap.

Findings carry their evidence; the caller turns them into stored detections.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from efficiency.detect.derive import SharePanel
from efficiency.detect.dilution import diluted
from efficiency.detect.floors import Cost
from efficiency.detect.regression import ShareChange, ShareRegressionDetector
from efficiency.detect.shifts import cost_shifts


@dataclass
class FunctionFinding:
    service: str
    function: str
    metric: str  #: self | inclusive
    change: ShareChange
    onset_at: pd.Timestamp
    magnitude_cores: float | None
    evidence: dict[str, Any] = field(default_factory=dict)
    #: GPU-hours a day the change costs (GPU-time shares of traces), None where unknown
    magnitude_gpu_hours: float | None = None
    #: the significance cut-off of the pass that found it (Benjamini-Hochberg and alpha)
    p_cut: float = 0.0
    #: whether the series' daily shape was removed before the change was found
    adjusted: bool = False

    @property
    def kind(self) -> str:
        return self.change.kind

    @property
    def delta(self) -> float:
        """Change of share, in share points (0.01 = one percentage point)."""
        return self.change.after - self.change.before


@dataclass
class Dropped:
    """A significant change a filter removed, for the record and for tuning."""

    finding: FunctionFinding
    #: went-away | seasonal | cost-shift | dilution | same-function | explained-deeper |
    #: below-cost-floor
    reason: str
    detail: str


@dataclass
class FunctionDetections:
    findings: list[FunctionFinding]
    dropped: list[Dropped]


def seasonal_adjust(k: np.ndarray, n: np.ndarray, period: int) -> np.ndarray | None:
    """``k`` with each series' typical shape over ``period`` buckets removed, or None when
    the history holds fewer than two periods.

    The shape is the median share at each phase across the periods (so a step late in the
    history, present in only one period, barely moves it), smoothed over neighbouring phases
    and centred on zero; the adjusted counts keep each bucket's sample total.
    """
    series, buckets = k.shape
    if period < 2 or buckets < 2 * period:
        return None
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # phases without data
        share = np.where(n > 0, k / n, np.nan)
        pad = (-buckets) % period
        padded = np.concatenate([np.full((series, pad), np.nan), share], axis=1)
        profile = np.nanmedian(padded.reshape(series, -1, period), axis=1)
        fill = np.nanmean(profile, axis=1, keepdims=True)
    profile = np.where(np.isnan(profile), np.nan_to_num(fill), profile)
    w = max(1, period // 24)  # an hour either side for a daily period of 10-minute buckets
    ring = np.concatenate([profile[:, -w:], profile, profile[:, :w]], axis=1)
    csum = np.concatenate([np.zeros((series, 1)), np.cumsum(ring, axis=1)], axis=1)
    smooth = (csum[:, 2 * w + 1 :] - csum[:, : -2 * w - 1]) / (2 * w + 1)
    smooth -= smooth.mean(axis=1, keepdims=True)
    phase = (np.arange(buckets) + pad) % period
    adjusted = np.where(n > 0, (np.nan_to_num(share) - smooth[:, phase]) * n, 0.0)
    return np.clip(adjusted, 0.0, n)


def _candidates(detector: ShareRegressionDetector) -> list[ShareChange]:
    """The significant changes of a fitted detector, whatever their size (the cost floor is
    applied once the filters have seen them all), less the cheap ones that went away."""
    return [c for c in detector.changes_ if not c.went_away or detector.large_enough(c)]


def _findings(
    panel: SharePanel,
    metric: str,
    k: np.ndarray,
    detector: ShareRegressionDetector,
    dropped: list[Dropped],
    adjusted: np.ndarray | None,
) -> list[FunctionFinding]:
    """Findings of one share kind. With a seasonal period, every series is also tested with
    its typical shape removed, and that result is used where the shape explains the noise
    (the dispersion falls by a fifth or more): a daily shape would otherwise inflate the
    noise estimate and hide real changes."""
    out = []
    services = panel.index["service"].to_numpy()
    detector.fit(k, panel.n, groups=services, cores=panel.cores, gpus=panel.gpus)
    # (change, found on the seasonally adjusted counts?)
    changes = [(c, False) for c in _candidates(detector)]
    cut = {False: detector.cutoff_, True: detector.cutoff_}
    if adjusted is not None:
        plain_dispersion = detector.dispersion_.copy()
        again = ShareRegressionDetector(**detector.get_params()).fit(
            adjusted, panel.n, groups=services, cores=panel.cores, gpus=panel.gpus
        )
        use = again.dispersion_ < 0.8 * plain_dispersion
        cut[True] = again.cutoff_
        changes = [(c, False) for c, _ in changes if not use[c.series]]
        changes += [(c, True) for c in _candidates(again) if use[c.series]]
    for change, was_adjusted in changes:
        row = change.series
        cost = detector.cost(change)
        finding = FunctionFinding(
            service=str(panel.index.service.iat[row]),
            function=str(panel.index.function.iat[row]),
            metric=metric,
            change=change,
            onset_at=panel.buckets[change.onset],
            magnitude_cores=cost.cores,
            magnitude_gpu_hours=cost.gpu_hours,
            adjusted=was_adjusted,
            p_cut=cut[was_adjusted],
        )
        if change.went_away:
            detail = f"back to {change.tail_share:.4f} in the last buckets"
            dropped.append(Dropped(finding, "went-away", detail))
        else:
            out.append(finding)
    return out


def _seasonal(
    panel: SharePanel,
    f: FunctionFinding,
    detector: ShareRegressionDetector,
    period: int,
) -> str | None:
    """Why ``f`` is only a seasonal shape, or None (also when the history is too short)."""
    from statsmodels.tsa.seasonal import STL

    row = f.change.series
    n = panel.n[row]
    k = (panel.self_k if f.metric == "self" else panel.incl_k)[row]
    have = n > 0
    if period < 2 or have.mean() < 0.9:
        return None
    idx = np.arange(len(n))
    share = np.interp(idx, idx[have], k[have] / n[have])  # STL needs a gapless series
    # The shape is learnt on one side of the onset only, so the change itself cannot leak
    # into it (STL on the whole series would absorb part of a late step into the seasonal
    # part); the longer side is used, and it must hold two periods.
    onset = f.change.onset
    part = slice(0, onset) if onset >= len(n) - onset else slice(onset, len(n))
    if part.stop - part.start < 2 * period:
        return None
    fitted = STL(share[part], period=period, robust=True).fit().seasonal
    by_phase = np.empty(period)
    phases = (idx[part])[-period:] % period
    by_phase[phases] = fitted[-period:]
    seasonal = by_phase[idx % period]
    adjusted = np.clip((share - seasonal) * n, 0, n)
    again = ShareRegressionDetector(**detector.get_params()).fit(
        adjusted[None, :],
        n[None, :],
        cores=panel.cores[row][None, :],
        gpus=panel.gpus[row][None, :],
        p_cut=f.p_cut,  # the pass's bar, not that of a family of one
    )
    if any(c.kind == f.kind and abs(c.onset - f.change.onset) <= 2 for c in again.predict()):
        return None
    return f"no change left once the seasonal shape (STL, period {period} buckets) is removed"


def _dilution(
    panel: SharePanel, self_counts: np.ndarray, found: list[FunctionFinding], bar: float
) -> tuple[list[FunctionFinding], list[Dropped]]:
    kept: list[FunctionFinding] = []
    dropped: list[Dropped] = []
    for f in found:
        why = diluted(panel, self_counts, f.service, f.change, bar)
        if why:
            dropped.append(Dropped(f, "dilution", why))
        else:
            kept.append(f)
    return kept, dropped


def _explained(
    panel: SharePanel, f: FunctionFinding, kept: list[FunctionFinding]
) -> tuple[str, str] | None:
    """(reason, detail) when an inclusive finding is not the most specific one."""
    if f.metric != "inclusive":
        return None
    same_sign = [g for g in kept if g is not f and g.service == f.service and g.delta * f.delta > 0]
    for g in same_sign:
        if g.function == f.function and g.metric == "self":
            return "same-function", f"reported as the self change of {f.function}"
    below = panel.descendants.get(f.service, {}).get(f.function, set())
    deeper = [g for g in same_sign if g.function in below]
    if not deeper:
        return None
    biggest = max(deeper, key=lambda g: abs(g.delta))
    self_sum = sum(abs(g.delta) for g in deeper if g.metric == "self")
    if abs(biggest.delta) >= 0.5 * abs(f.delta) or self_sum >= 0.5 * abs(f.delta):
        detail = f"explained by {biggest.function} ({biggest.metric} {biggest.delta:+.4f})"
        return "explained-deeper", detail
    return None


def detect_function_changes(
    panel: SharePanel, detector: ShareRegressionDetector | None = None, season_buckets: int = 0
) -> FunctionDetections:
    """Regressions and improvements of every (service, function) of ``panel``.

    ``season_buckets``: the length of the seasonal period in buckets (e.g. one day), for the
    seasonality filter; 0 turns it off."""
    detector = detector or ShareRegressionDetector()
    if panel.n.size == 0:
        return FunctionDetections([], [])
    dropped: list[Dropped] = []
    adj_self = seasonal_adjust(panel.self_k, panel.n, season_buckets) if season_buckets else None
    adj_incl = seasonal_adjust(panel.incl_k, panel.n, season_buckets) if season_buckets else None
    found = _findings(panel, "self", panel.self_k, detector, dropped, adj_self)
    found += _findings(panel, "inclusive", panel.incl_k, detector, dropped, adj_incl)
    if season_buckets:
        unseasonal = []
        floor = detector.floor
        for f in found:
            # STL per finding is the pass's dearest step: one too cheap to be reported is
            # dropped by the cost floor anyway, and is kept until then only as a partner
            cheap = not floor.passes(_cost(f), f.change.relative, f.delta)
            why = None if cheap else _seasonal(panel, f, detector, season_buckets)
            if why:
                dropped.append(Dropped(f, "seasonal", why))
            else:
                unseasonal.append(f)
        found = unseasonal
    shifted = cost_shifts(panel, found, adj_incl if adj_incl is not None else panel.incl_k)
    # a function whose own cost was shifted in has its inclusive share moved by as much
    for i, f in enumerate(found):
        if i in shifted or f.metric != "inclusive":
            continue
        for j, g in enumerate(found):
            if (
                j in shifted
                and g.metric == "self"
                and (g.service, g.function) == (f.service, f.function)
                and abs(f.delta - g.delta) <= 0.5 * abs(g.delta)
            ):
                shifted[i] = shifted[j]
                break
    real = []
    for i, f in enumerate(found):
        if i in shifted:
            dropped.append(Dropped(f, "cost-shift", shifted[i]))
        else:
            real.append(f)
    # seasonally adjusted counts where a daily shape would distort the before/after ratios
    self_counts = adj_self if adj_self is not None else panel.self_k
    # what is left of a change once dilution is taken out must be significant on its own, at
    # the per-series level with its onset known
    bar = float(ndtri(1 - detector.alpha / 2))
    kept, diluted = _dilution(panel, self_counts, real, bar)
    dropped += diluted
    # deepest first, so a caller is judged against the findings that stay below it
    depth = {
        (f.service, f.function): len(panel.ancestors.get(f.service, {}).get(f.function, ()))
        for f in kept
    }
    kept.sort(key=lambda f: (-depth[(f.service, f.function)], f.metric != "self"))
    final: list[FunctionFinding] = []
    for f in kept:
        why = _explained(panel, f, final)
        if why:
            dropped.append(Dropped(f, *why))
        else:
            final.append(f)
    final, cheap = _cost_floor(final, detector)
    dropped += cheap
    for f in final:
        c = f.change
        f.evidence = {
            "metric": f.metric,
            "share_before": c.before,
            "share_after": c.after,
            "share_tail": c.tail_share,
            "samples_before": c.samples_before,
            "samples_after": c.samples_after,
            "z": c.z,
            "dispersion": c.dispersion,
            "seasonally_adjusted": f.adjusted,
            "significance_cutoff": f.p_cut,
        }
    final.sort(key=lambda f: f.change.p_value)
    return FunctionDetections(final, dropped)


def _cost_floor(
    found: list[FunctionFinding], detector: ShareRegressionDetector
) -> tuple[list[FunctionFinding], list[Dropped]]:
    """The findings large enough to matter in cost, and the cheaper ones as dropped."""
    kept: list[FunctionFinding] = []
    dropped: list[Dropped] = []
    floor = detector.floor
    for f in found:
        cost = _cost(f)
        if floor.passes(cost, f.change.relative, f.delta):
            kept.append(f)
        else:
            dropped.append(Dropped(f, "below-cost-floor", floor.describe(cost)))
    return kept, dropped


def _cost(f: FunctionFinding) -> Cost:
    return Cost(f.magnitude_cores, f.magnitude_gpu_hours)
