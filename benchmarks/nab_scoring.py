"""NAB's scoring rules (datasets README, NAB README and whitepaper), for :mod:`benchmarks.nab`:
probation, the position-weighted window reward, the false-positive cost, and the exact
threshold sweep over a corpus. The rules are listed in :mod:`benchmarks.nab`'s docstring;
``tests/benchmarks/test_nab_scoring.py`` checks them on hand-computed cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]

PROBATION_PERCENT = 0.15
PROBATION_CAP_ROWS = 750  # NAB: 0.15 * 5000


@dataclass(frozen=True)
class Profile:
    """One NAB application profile: how much a detected window, a false positive and a missed
    window weigh (``config/profiles.json``)."""

    name: str
    tp: float
    fp: float
    fn: float


def probation_rows(n: int) -> int:
    """Rows at the start of a file that are never scored: 15%, at most 750."""
    return min(math.floor(PROBATION_PERCENT * n), PROBATION_CAP_ROWS)


def scaled_sigmoid(y: Array | float) -> Array:
    """NAB's position weight: ``2 / (1 + e^(5y)) - 1``, and exactly -1 from ``y >= 3`` on."""
    y_arr = np.asarray(y, dtype=np.float64)
    return np.where(y_arr >= 3.0, -1.0, 2.0 / (1.0 + np.exp(5.0 * y_arr)) - 1.0)


MAX_TP = float(scaled_sigmoid(-1.0))


@dataclass(frozen=True)
class PointWeights:
    """What a detection at each scorable row of one file would be worth, before profile
    weights: ``window`` is the window's number in the file (-1 outside every window), ``tp``
    the normalized in-window reward, ``fp`` the (negative) cost factor outside windows."""

    rows: NDArray[np.int64]
    window: NDArray[np.int64]
    tp: Array
    fp: Array
    n_windows: int


def point_weights(n: int, windows: Sequence[tuple[int, int]]) -> PointWeights:
    idx = np.arange(n)
    window = np.full(n, -1, dtype=np.int64)
    tp = np.zeros(n)
    fp = np.full(n, -1.0)  # before the first window: full cost
    ordered = sorted(windows)
    for k, (a, b) in enumerate(ordered):
        width = b - a + 1
        inside = slice(a, b + 1)
        window[inside] = k
        tp[inside] = scaled_sigmoid(-(b - idx[inside] + 1) / width) / MAX_TP
        stop = ordered[k + 1][0] if k + 1 < len(ordered) else n
        after = slice(b + 1, stop)
        # NAB divides by (width - 1); a one-row window would divide by zero there too
        fp[after] = scaled_sigmoid(np.abs(idx[after] - b) / max(width - 1, 1))
    keep = idx >= probation_rows(n)
    scorable_windows = len(set(window[keep & (window >= 0)].tolist()))
    return PointWeights(idx[keep], window[keep], tp[keep], fp[keep], scorable_windows)


@dataclass(frozen=True)
class SweepResult:
    """The best threshold of one detector on one profile, over the whole corpus."""

    profile: Profile
    threshold: float
    raw: float  #: summed NAB score at that threshold
    null: float  #: the never-firing detector's sum
    perfect: float  #: the sum when every window is hit at its left edge
    detected: int  #: windows with a detection
    windows: int
    false_positives: int  #: detections outside every window (rows)

    @property
    def normalized(self) -> float:
        return 100.0 * (self.raw - self.null) / (self.perfect - self.null)


def sweep(
    scores: Sequence[Array], windows: Sequence[Sequence[tuple[int, int]]], profile: Profile
) -> SweepResult:
    """Best single threshold over the corpus, exactly: every distinct score is a candidate.

    Sorting every scorable row of the corpus by score (descending), a candidate threshold
    ``t`` detects a prefix of that order. A prefix's total is ``-fn * windows`` plus, per
    row, its false-positive cost or the gain it brings its window (how much it raises the
    window's best reward so far, the first one also refunding ``fn``). Cumulative sums give
    the total of every prefix at once; only prefixes that end a run of equal scores are real
    thresholds."""
    parts_score, parts_win, parts_tp, parts_fp = [], [], [], []
    offset = 0
    n_windows = 0
    for s, w in zip(scores, windows, strict=True):
        weights = point_weights(len(s), w)
        parts_score.append(np.asarray(s, dtype=np.float64)[weights.rows])
        parts_win.append(np.where(weights.window >= 0, weights.window + offset, -1))
        parts_tp.append(weights.tp * profile.tp)
        parts_fp.append(weights.fp * profile.fp)
        offset += len(w)
        n_windows += weights.n_windows
    score = np.concatenate(parts_score)
    win = np.concatenate(parts_win)
    tp = np.concatenate(parts_tp)
    fp = np.concatenate(parts_fp)
    null = -profile.fn * n_windows
    perfect = profile.tp * n_windows
    if score.size == 0:
        return SweepResult(profile, math.inf, null, null, perfect, 0, n_windows, 0)
    if not np.all(np.isfinite(score)):
        raise ValueError("anomaly scores must be finite")

    order = np.argsort(-score, kind="stable")
    score, win, tp, fp = score[order], win[order], tp[order], fp[order]
    inside = win >= 0
    gain = np.where(inside, 0.0, fp)
    # per window, the best reward among rows detected so far (as the threshold falls)
    frame = pd.DataFrame({"win": win[inside], "tp": tp[inside]})
    best = frame.groupby("win")["tp"].cummax().to_numpy()
    previous = frame.assign(best=best).groupby("win")["best"].shift(1).to_numpy()
    gain[inside] = np.where(np.isnan(previous), best + profile.fn, best - previous)
    total = null + np.cumsum(gain)
    ends = np.flatnonzero(np.r_[score[1:] != score[:-1], True])  # last row of each tie run
    candidates = np.r_[null, total[ends]]
    k = int(np.argmax(candidates))  # first maximum: the highest such threshold, as NAB does
    if k == 0:
        return SweepResult(profile, math.inf, null, null, perfect, 0, n_windows, 0)
    cut = ends[k - 1] + 1
    detected = len(np.unique(win[:cut][inside[:cut]]))
    fps = int(np.count_nonzero(~inside[:cut]))
    return SweepResult(
        profile, float(score[cut - 1]), float(total[cut - 1]), null, perfect, detected,
        n_windows, fps,
    )  # fmt: skip


def file_score(
    scores: Array, windows: Sequence[tuple[int, int]], profile: Profile, threshold: float
) -> float:
    """One file's NAB score at a fixed threshold (for the per-category breakdown)."""
    weights = point_weights(len(scores), windows)
    hit = np.asarray(scores, dtype=np.float64)[weights.rows] >= threshold
    total = float(np.sum(weights.fp[hit & (weights.window < 0)]) * profile.fp)
    for k in np.unique(weights.window[weights.window >= 0]):
        in_k = hit & (weights.window == k)
        total += profile.tp * float(weights.tp[in_k].max()) if in_k.any() else -profile.fn
    return total
