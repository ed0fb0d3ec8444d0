"""Function-level regression detection on sample shares, as FBDetect does it.

A function's share of a service's samples in one time bucket is ``k / n``: ``k`` samples had
the function on the stack (inclusive) or at the leaf (self), out of the ``n`` samples of the
service. A tiny service-level slowdown is a large *relative* change of one function's share,
and the share's noise is known: binomial from sampling, times an over-dispersion factor from
hosts and load that differ bucket to bucket. The detector

1. scans every split point of every series at once (cumulative sums over a ``series x
   buckets`` matrix, no Python loop per point) for the one that best separates a "before"
   share from an "after" share: the most likely single onset, as the first step of binary
   segmentation does;
2. scales the two-proportion z statistic at that split by the series' own over-dispersion
   (Pearson residuals around the two-level fit, trimmed, as a quasi-binomial model does),
   reads it against Student's t, and turns it into a p-value corrected for having scanned
   every split (the James-James-Siegmund approximation for the maximum of correlated split
   statistics);
3. keeps what is significant *and* large enough to matter: significant across the series of
   the pass (Benjamini-Hochberg at ``fdr`` on top of the per-series ``alpha``, so the number
   of false alarms does not grow with the fleet), and large enough in cost, the change of
   share times the service's CPU cores (``min_cores``) or busy GPUs (``min_gpu_hours`` a day)
   after the onset: a +5% change of a 2% function in a 1,000-core service, one core, is
   reported; a 1% wobble of a 0.01-core function, a ten-thousandth of a core, is not however
   certain. Only where the cost is unknown are there floors on the share itself (see
   ``efficiency.detect.floors``);
4. drops a change that *went away*: when the last buckets are back at the old level, it was a
   transient spike, not a regression.

Positive changes are regressions, negative ones improvements; both are reported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri, stdtr

from efficiency.detect.floors import Cost, CostFloor, bh_cutoff, change_cost

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ShareChange:
    """The best split of one series and how much evidence there is for it."""

    series: int  #: row of the input matrices
    onset: int  #: index of the first bucket at the new level
    before: float  #: share before the onset
    after: float  #: share from the onset on
    z: float  #: over-dispersion-adjusted two-proportion z statistic
    p_value: float  #: corrected for the scan over every split
    dispersion: float  #: variance over the binomial variance, at least 1
    samples_before: int
    samples_after: int
    tail_share: float  #: share over the last ``went_away_buckets`` buckets
    went_away: bool

    @property
    def kind(self) -> str:
        return "regression" if self.after > self.before else "improvement"

    @property
    def relative(self) -> float:
        """Relative change of the share (``after / before - 1``); inf from zero."""
        if self.before == 0:
            return float("inf") if self.after > 0 else 0.0
        return self.after / self.before - 1.0


def _nu(x: Array) -> Array:
    """Siegmund's approximation of the overshoot correction, with nu(0) = 1."""
    half = np.maximum(x, 1e-12) / 2
    phi = np.exp(-(half**2) / 2) / np.sqrt(2 * np.pi)
    return np.where(x > 1e-9, (ndtr(half) - 0.5) / (half * (half * ndtr(half) + phi)), 1.0)


def _scan_p_value(b: Array, n1: Array, n2: Array, n_next: Array) -> Array:
    """P(the largest |z| over every split >= b) under no change, per series.

    The split statistics of one series are strongly correlated (neighbouring splits share
    almost all their data), so Bonferroni over the splits is two to three times too
    conservative. This is the approximation of James, James and Siegmund (1987) for the
    maximum of the standardized two-sample statistic, in "information time" u = N1 / N so
    buckets of unequal size are weighted by their samples; on simulated null series of 48
    buckets it matches the empirical tail within a few percent from 4e-2 down to 5e-4.
    """
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        u = n1 / total
        r = np.where((u > 0) & (u < 1), (n_next / total) / (u * (1 - u)), 0.0)
    bb = b[:, None]
    density = np.exp(-(bb**2) / 2) / np.sqrt(2 * np.pi)
    tail = 2 * bb * density * np.sum(r / 2 * _nu(bb * np.sqrt(r)), axis=1, keepdims=True)
    return np.clip(tail[:, 0], 0.0, 1.0)


#: effective degrees of freedom of the trimmed dispersion estimate per bucket kept, calibrated
#: on simulated over-dispersed null series (benchmarks/fleet_series.py) so the false-alarm
#: rate stays at alpha
DOF_FACTOR = 0.6


def _moderate(
    dispersion: Array, dof: Array, groups: NDArray[Any], prior_dof: float
) -> tuple[Array, Array]:
    """Empirical-Bayes moderation of per-series dispersions (Smyth 2004, "Linear models and
    empirical Bayes methods for assessing differential expression", the moderated t): each
    series' estimate is pulled towards its group's pooled value as if the group had lent it
    ``prior_dof`` degrees of freedom. A function of a service shares that service's hosts and
    load, so its extra noise is like its siblings'; a short or new series (a function that
    just appeared has no "before" to measure noise on) no longer rests on a handful of
    buckets."""
    _, inverse = np.unique(groups, return_inverse=True)
    weight = np.bincount(inverse, weights=dof)
    pooled = np.bincount(inverse, weights=dof * dispersion) / np.maximum(weight, 1e-12)
    moderated = (dof * dispersion + prior_dof * pooled[inverse]) / (dof + prior_dof)
    return np.maximum(moderated, 1.0), dof + prior_dof


class ShareRegressionDetector:
    """Estimator over share series: ``fit(k, n)`` then ``predict()`` / ``score()``.

    ``k`` and ``n`` are ``series x buckets`` arrays of counts (``n`` = 0 marks a bucket with
    no data, which counts as nothing). Parameters:

    - ``alpha``: false-alarm probability per series (after the scan correction); the default
      1e-4 is one false alarm in 10,000 series-passes under the null.
    - ``fdr``: Benjamini-Hochberg level across the series of one ``fit`` (a pass): a change is
      significant when its p-value is also under the step-up cut-off, so with many series the
      bar rises with their number (1: off, ``alpha`` alone).
    - ``min_cores``, ``min_gpu_hours``: a significant change whose cost (change of share x the
      service's cores, or busy GPUs x 24 hours, after the onset; from ``fit(..., cores=...,
      gpus=...)``) reaches this is large enough whatever its relative size; a cheaper one is
      not, however certain (0: every significant change of known cost).
    - ``min_relative``, ``min_absolute``: only where the cost is unknown, the smallest change
      of share reported, relative to the before-share and in share points.
    - ``min_segment``: fewest buckets on either side of a split.
    - ``went_away_buckets``: the last buckets checked for a return to the old level.
    - ``prior_dof``: with ``fit(..., groups=...)``, the degrees of freedom a series borrows
      from its group's pooled dispersion (0: none).
    - ``min_samples``: fewest samples of the function per bucket (on average) for a series to
      be tested. Below it the counts are too few for the normal approximation and for
      telling over-dispersion from chance; such series could only show changes of several
      times their size anyway (see the bound in benchmarks/fleet_series.py).
    """

    def __init__(
        self,
        alpha: float = 1e-4,
        min_relative: float = 0.02,
        min_absolute: float = 0.0002,
        min_segment: int = 3,
        went_away_buckets: int = 3,
        min_samples: float = 20.0,
        prior_dof: float = 10.0,
        min_cores: float = 0.05,
        min_gpu_hours: float = 1.0,
        fdr: float = 0.001,
    ) -> None:
        if not 0 < alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        if min_segment < 1:
            raise ValueError("min_segment must be at least 1")
        if min_cores < 0 or min_gpu_hours < 0:
            raise ValueError("min_cores and min_gpu_hours must not be negative")
        if not 0 < fdr <= 1:
            raise ValueError("fdr must be in (0, 1]")
        self.alpha = alpha
        self.min_relative = min_relative
        self.min_absolute = min_absolute
        self.min_segment = min_segment
        self.went_away_buckets = went_away_buckets
        self.min_samples = min_samples
        self.prior_dof = prior_dof
        self.min_cores = min_cores
        self.min_gpu_hours = min_gpu_hours
        self.fdr = fdr

    def get_params(self) -> dict[str, Any]:
        """The constructor's parameters, so a copy can be made (scikit-learn style)."""
        return {
            "alpha": self.alpha,
            "min_relative": self.min_relative,
            "min_absolute": self.min_absolute,
            "min_segment": self.min_segment,
            "went_away_buckets": self.went_away_buckets,
            "min_samples": self.min_samples,
            "prior_dof": self.prior_dof,
            "min_cores": self.min_cores,
            "min_gpu_hours": self.min_gpu_hours,
            "fdr": self.fdr,
        }

    # ------------------------------------------------------------------------------- fit

    def fit(
        self,
        k: Array | list[list[float]],
        n: Array | list[list[float]],
        groups: ArrayLike | None = None,
        cores: ArrayLike | None = None,
        gpus: ArrayLike | None = None,
        p_cut: float | None = None,
    ) -> Self:
        """``groups`` (one label per series, e.g. its service) lets a series borrow strength
        for its noise estimate from the others of its group: see ``prior_dof``. ``cores`` and
        ``gpus`` (the shape of ``k``, NaN where unknown): the service's CPU cores and busy
        GPUs per bucket, what a change of share costs (see ``min_cores``). ``p_cut``: the
        significance cut-off of the family this fit belongs to (a re-test of a few series
        found in a larger pass keeps that pass's bar), instead of Benjamini-Hochberg over
        this fit's own series."""
        k_arr = np.asarray(k, dtype=np.float64)
        n_arr = np.asarray(n, dtype=np.float64)
        if k_arr.ndim == 1:
            k_arr, n_arr = k_arr[None, :], n_arr[None, :]
        if k_arr.shape != n_arr.shape or k_arr.ndim != 2:
            raise ValueError("k and n must be series x buckets arrays of the same shape")
        if not (np.isfinite(k_arr).all() and np.isfinite(n_arr).all()):
            raise ValueError("counts must be finite (a bucket without samples has n = 0)")
        if np.any(k_arr < 0) or np.any(k_arr > n_arr):
            raise ValueError("counts must satisfy 0 <= k <= n")
        self.k_, self.n_ = k_arr, n_arr
        self.cores_ = _sizes(cores, k_arr.shape, "cores")
        self.gpus_ = _sizes(gpus, k_arr.shape, "gpus")
        s, t = k_arr.shape
        m = self.min_segment
        self.changes_: list[ShareChange] = []
        self.dispersion_ = np.ones(s)
        self.z_ = np.zeros(s)
        self.p_ = np.ones(s)
        self.cutoff_ = 0.0
        if t < 2 * m:
            return self

        ck = np.cumsum(k_arr, axis=1)
        cn = np.cumsum(n_arr, axis=1)
        k_tot, n_tot = ck[:, -1:], cn[:, -1:]
        # split j: buckets [0, j) before, [j, t) after; candidate j in [m, t - m]
        k1, n1 = ck[:, m - 1 : t - m], cn[:, m - 1 : t - m]
        k2, n2 = k_tot - k1, n_tot - n1
        with np.errstate(divide="ignore", invalid="ignore"):
            p1, p2 = k1 / n1, k2 / n2
            pooled = k_tot / n_tot
            se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            z = np.where((n1 > 0) & (n2 > 0) & (se > 0), (p2 - p1) / se, 0.0)
        best = np.argmax(np.abs(z), axis=1)
        rows = np.arange(s)
        onset = best + m
        z_best = z[rows, best]

        after = np.arange(t)[None, :] >= onset[:, None]
        p_seg = np.where(after, p2[rows, best][:, None], p1[rows, best][:, None])
        dispersion, dof = self._dispersion(k_arr, n_arr, p_seg)
        if groups is not None and self.prior_dof > 0:
            dispersion, dof = _moderate(dispersion, dof, np.asarray(groups), self.prior_dof)
        self.dispersion_ = dispersion
        z_adj = z_best / np.sqrt(dispersion)
        # the dispersion is estimated from the series itself: Student's t, mapped back to the
        # normal scale, then the scan over every split (see _scan_p_value)
        z_eq = np.minimum(ndtri(stdtr(dof, np.abs(z_adj))), 40.0)
        p_value = _scan_p_value(z_eq, n1, n2, n_arr[:, m : t - m + 1])
        # too few of the function's (or of the others') samples per bucket to test
        used_buckets = np.maximum((n_arr > 0).sum(axis=1), 1)
        few = np.minimum(k_tot[:, 0], n_tot[:, 0] - k_tot[:, 0]) / used_buckets < self.min_samples
        p_value = np.where(few, 1.0, p_value)
        self.z_, self.p_ = z_adj, p_value

        w = min(self.went_away_buckets, t - 1)
        tail_k = k_arr[:, t - w :].sum(axis=1)
        tail_n = n_arr[:, t - w :].sum(axis=1)
        before = p1[rows, best]
        after = p2[rows, best]
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = np.where(tail_n > 0, tail_k / tail_n, np.nan)
            # back home: the tail sits closer to the old share than to the new one, and the
            # onset is older than the tail (a change inside the tail cannot have gone away)
            went_away = (
                (onset < t - w) & (np.abs(tail - before) < np.abs(tail - after)) & (tail_n > 0)
            )
        tested = np.where(few, np.nan, p_value)
        cut = bh_cutoff(tested, self.fdr) if p_cut is None else p_cut
        self.cutoff_ = min(cut, np.nextafter(self.alpha, 0.0))
        for i in np.flatnonzero(p_value <= self.cutoff_):
            self.changes_.append(
                ShareChange(
                    series=int(i),
                    onset=int(onset[i]),
                    before=float(before[i]),
                    after=float(after[i]),
                    z=float(z_adj[i]),
                    p_value=float(p_value[i]),
                    dispersion=float(dispersion[i]),
                    samples_before=int(n1[i, best[i]]),
                    samples_after=int(n2[i, best[i]]),
                    tail_share=float(tail[i]),
                    went_away=bool(went_away[i]),
                )
            )
        return self

    @staticmethod
    def _dispersion(k: Array, n: Array, p_seg: Array) -> tuple[Array, Array]:
        """Per series, how much noisier than binomial its buckets are (at least 1), and the
        effective degrees of freedom of that estimate.

        Pearson residuals around the two-level fit at the best split (a quasi-binomial
        model's dispersion), with the largest 10% left out so that a spike or a second
        change does not inflate it, and the trimming's bias undone: for chi-square(1) cut
        at its 90% quantile (2.7055) the kept mean is P(chi-square(3) < 2.7055) / 0.9.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            var = n * p_seg * (1 - p_seg)
            r2 = np.where((n > 0) & (var > 0), (k - n * p_seg) ** 2 / var, np.nan)
        ordered = np.sort(np.where(np.isnan(r2), np.inf, r2), axis=1)
        valid = np.isfinite(ordered).sum(axis=1)
        # Trimming needs residuals shaped like chi-square(1): with a handful of the
        # function's samples per bucket they are skewed and the correction would undercount
        # the noise, so sparse series keep every residual (the plain Pearson mean is unbiased
        # whatever the shape, only less robust to spikes).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows without any data
            low = np.where(n > 0, np.minimum(n * p_seg, n * (1 - p_seg)), np.nan)
            expected = np.nanmean(low, axis=1)
        dense = np.nan_to_num(expected) >= 10
        keep = np.where(dense, np.ceil(0.9 * np.maximum(valid - 2, 0)), valid).astype(int)
        mask = np.arange(ordered.shape[1])[None, :] < keep[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(mask, ordered, 0.0).sum(axis=1) / keep
        mean = np.where(dense, mean / (0.5607 / 0.9), mean * valid / np.maximum(valid - 2, 1))
        out = np.where(keep > 0, mean, 1.0)
        # degrees of freedom: calibrated for the trimmed estimate; for sparse series from the
        # residuals' own spread (Satterthwaite: 2 mean^2 / variance per residual, which is 1
        # for normal residuals and far less for the skewed ones of a few counts per bucket)
        finite = np.where(np.isfinite(r2), r2, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows without two residuals
            spread = np.nanvar(finite, axis=1, ddof=1)
            per = np.where(spread > 0, 2 * np.nanmean(finite, axis=1) ** 2 / spread, 1.0)
        sparse_dof = np.minimum(per, 1.0) * np.maximum(valid - 2, 1)
        dof = np.where(dense, DOF_FACTOR * keep, DOF_FACTOR * sparse_dof)
        return np.maximum(out, 1.0), np.maximum(dof, 1.0)

    # --------------------------------------------------------------------------- predict

    @property
    def floor(self) -> CostFloor:
        return CostFloor(self.min_cores, self.min_gpu_hours, self.min_relative, self.min_absolute)

    def cost(self, c: ShareChange) -> Cost:
        """What the change costs: change of share x the service's mean cores (and busy GPUs,
        as GPU-hours a day) from the onset on; None in a unit whose size is not known."""
        return change_cost(self.cores_[c.series], self.gpus_[c.series], c.onset, c.after - c.before)

    def cost_cores(self, c: ShareChange) -> float | None:
        return self.cost(c).cores

    def large_enough(self, c: ShareChange) -> bool:
        """Its cost reaches ``min_cores`` or ``min_gpu_hours``; where the cost is unknown, the
        share floors ``min_relative`` and ``min_absolute``."""
        return self.floor.passes(self.cost(c), c.relative, c.after - c.before)

    def predict(self) -> list[ShareChange]:
        """The significant, large enough changes that did not go away, strongest first."""
        kept = [c for c in self.changes_ if not c.went_away and self.large_enough(c)]
        return sorted(kept, key=lambda c: c.p_value)

    def score(self) -> Array:
        """Per series, ``1 - p`` of its best split: the evidence for a change, in [0, 1]."""
        return np.asarray(1.0 - self.p_, dtype=np.float64)


def _sizes(values: ArrayLike | None, shape: tuple[int, ...], name: str) -> Array:
    """A service-size matrix (cores, GPUs) of the counts' shape, NaN where unknown."""
    if values is None:
        return np.full(shape, np.nan)
    arr = np.asarray(values, dtype=np.float64).reshape(shape)
    if np.any(arr < 0):
        raise ValueError(f"{name} must not be negative")
    return arr
