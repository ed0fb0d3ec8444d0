"""Offline change point detection in one series (or a few aligned ones): shifts of the mean, of
the variance, or of a linear trend.

The detector minimises a penalised cost, ``sum of segment costs + penalty x number of
changes`` (Killick, Fearnhead & Eckley 2012 state the problem PELT solves), with four choices
that make one default setting work on very different series:

1. **Noise scale from differences, robustly.** The series is measured in units of its noise,
   estimated from the median absolute lag-1 and lag-2 differences (Hampel's MAD): a level
   shift spoils one difference, not the estimate, and a mean-shift cost becomes a likelihood
   with a known variance, so one penalty (Schwarz's BIC scaled by ``penalty_factor``, as the
   MBIC of Zhang & Siegmund 2007 does) fits every scale. The two lags also give the lag-one
   autocorrelation of the noise (``Var(x[t+k] - x[t]) = 2 s^2 (1 - phi^k)``, the idea behind
   Romano et al.'s DeCAFS, 2022); a slowly wandering series has fewer independent points than
   it has points, so the noise is scaled by its long-run standard deviation, ``sqrt((1 + phi)
   / (1 - phi))`` times the plain one, and a random walk does not read as a staircase.
2. **Outliers are clipped before they are costed.** Every point is winsorised to within
   ``clip`` noise deviations of a running median: a running median follows a step at once
   (it preserves edges, Tukey 1977) but not a spike shorter than half its window, so spikes
   lose their pull and steps keep all of theirs.
3. **Search without a Python loop per point.** Candidates come from seeded binary segmentation
   (Kovacs, Li, Haubner, Munk & Buhlmann, Biometrika 2023): a fixed set of intervals at
   geometrically shrinking lengths, each layer scanned for its best split at once from
   cumulative sums (one numpy array op per layer). The penalised cost is then minimised
   exactly over those candidates by optimal partitioning (Jackson et al. 2005), a loop over
   candidates, not points, and each change found is moved to its best position between its
   neighbours.
4. **A change must matter at the scale of the whole series.** The penalty per change is at
   least ``min_explained`` (0.5%) of the series' total sum of squares around its mean, the
   complexity parameter of regression trees (Breiman, Friedman, Olshen & Stone, *Classification
   and Regression Trees*, 1984: cost-complexity pruning with the penalty a fraction of the root
   node's error, the ``cp`` of Therneau & Atkinson's rpart; binary segmentation is a regression
   tree on the time index). Noise measured from differences is small on a smooth curve (a
   population, a slow decline), and a penalised piecewise-linear fit then explains its
   curvature as a chain of certain but tiny slope changes; few of them explain a visible
   part of the variance a plot of the series shows, so few pay this penalty. With several
   dimensions the one that varies least sets it, so a trend in one dimension (a cumulative
   distance) cannot silence the changes of another (the pace). On a short or noisy series
   the BIC-sized term is the larger one and decides alone. The 0.5% was chosen on the Turing
   Change Point Dataset, the same series the benchmark reports (see ``benchmarks/tcpd.py``).

``score()`` turns the evidence into [0, 1] per point: the cost saved by splitting there,
``gain / (gain + penalty)``, so 0.5 is where the penalised criterion starts to accept a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike

from efficiency.detect.changepoint_search import (
    Array,
    Cost,
    _fill_missing,
    _noise_scale,
    _optimal_partition,
    _refine,
    _seeded_intervals,
    _Segments,
    _winsorise,
)


@dataclass(frozen=True)
class Change:
    """One change point and what changed there."""

    index: int  #: first index of the new segment
    gain: float  #: cost saved by the split, in penalty-comparable units
    before: float  #: mean of the segment before (first dimension, original units)
    after: float  #: mean of the segment after (first dimension, original units)

    @property
    def shift(self) -> float:
        return self.after - self.before


class ChangepointDetector:
    """Estimator: ``fit(values)`` then ``predict()`` (change point indices) / ``score()``.

    ``values`` is a 1-D series or an ``n x d`` array of ``d`` aligned series that change
    together. Parameters:

    - ``cost``: what a change is. ``"mean"`` a level shift (the default: what a regression
      is), ``"meanvar"`` a shift of level and/or spread, ``"linear"`` a change of a linear
      trend's level or slope.
    - ``penalty_factor``: the penalty per change is ``penalty_factor x log(n)`` in noise
      units (scaled by ``(parameters per segment + 1) / 2`` for more dimensions or costs
      with more parameters); 2 is Schwarz's BIC, 3 about Zhang & Siegmund's MBIC. Higher
      is fewer changes. ``penalty`` overrides it with a fixed value.
    - ``min_size``: fewest points in a segment.
    - ``clip``: winsorise each point to within this many noise deviations of a running median
      of ``4 * min_size + 1`` points (``None``: no clipping): an excursion shorter than
      ``2 * min_size`` points is a spike, not a segment.
    - ``autocorrelation``: scale the noise by its long-run deviation when consecutive errors
      are positively correlated (see the module docstring); ``False`` assumes independence.
    - ``min_shift``: smallest level shift kept, in noise deviations (0 keeps all that pay
      their penalty); a change that is certain but too small to matter is still no change.
    - ``min_explained``: the penalty per change is at least this fraction of the series' sum
      of squares around its mean, in the dimension that varies least (module docstring, point
      4; for ``"meanvar"``, whose cost is a log-likelihood, the saving ``-n log(1 - share)``
      that explaining that share of the variance brings); 0 turns it off. ``penalty``
      overrides it too.
    """

    def __init__(
        self,
        cost: Cost = "linear",
        penalty_factor: float = 3.0,
        penalty: float | None = None,
        min_size: int = 5,
        clip: float | None = 3.0,
        autocorrelation: bool = True,
        min_shift: float = 0.0,
        min_explained: float = 0.005,
    ) -> None:
        if cost not in ("mean", "meanvar", "linear"):
            raise ValueError("cost must be 'mean', 'meanvar' or 'linear'")
        if penalty_factor <= 0 or (penalty is not None and penalty <= 0):
            raise ValueError("the penalty must be positive")
        if min_size < 2:
            raise ValueError("min_size must be at least 2")
        if clip is not None and clip <= 0:
            raise ValueError("clip must be positive or None")
        if not 0 <= min_explained < 1:
            raise ValueError("min_explained must be in [0, 1)")
        self.cost = cost
        self.penalty_factor = penalty_factor
        self.penalty = penalty
        self.min_size = min_size
        self.clip = clip
        self.autocorrelation = autocorrelation
        self.min_shift = min_shift
        self.min_explained = min_explained

    def get_params(self) -> dict[str, Any]:
        """The constructor's parameters, so a copy can be made (scikit-learn style)."""
        return {
            "cost": self.cost,
            "penalty_factor": self.penalty_factor,
            "penalty": self.penalty,
            "min_size": self.min_size,
            "clip": self.clip,
            "autocorrelation": self.autocorrelation,
            "min_shift": self.min_shift,
            "min_explained": self.min_explained,
        }

    # ------------------------------------------------------------------------------- fit

    def fit(self, values: ArrayLike, timestamps: ArrayLike | None = None) -> Self:
        """Find the change points of ``values``.

        ``timestamps`` (optional, one per point, non-decreasing) only label the result:
        ``change_times_`` holds the timestamp of each change. Missing or infinite values are
        filled by linear interpolation, so they neither split nor hide a segment.
        """
        x = np.asarray(values, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2:
            raise ValueError("values must be a 1-D series or an n x d array")
        n = x.shape[0]
        times = None
        if timestamps is not None:
            times = np.asarray(timestamps)
            if times.shape != (n,):
                raise ValueError("timestamps must have one entry per point")
        x = _fill_missing(x)
        self.n_ = n
        # work in units of the largest magnitude first, so that squares and sums of values
        # near the float limit stay finite; every result below is scale-free or scaled back
        unit = np.max(np.abs(x), axis=0) if n else np.ones(x.shape[1])
        unit = np.where(unit > 0, unit, 1.0)
        x = x / unit
        self._unit = unit
        # below 1e-12 of the largest value, differences are float rounding, not noise
        noise = np.maximum(_noise_scale(x, self.autocorrelation), 1e-12)
        center = np.median(x, axis=0) if n else np.zeros(x.shape[1])
        self.scale_ = noise * unit  #: noise deviation per dimension, original units
        self.center_ = center * unit  #: median per dimension, original units
        z = (x - center) / noise
        if self.clip is not None and n > 2:
            z = _winsorise(z, 4 * self.min_size + 1, self.clip)
        params = {"mean": 1, "meanvar": 2, "linear": 2}[self.cost] * x.shape[1]
        if self.penalty is not None:
            self.penalty_ = float(self.penalty)
        else:
            bic = self.penalty_factor * np.log(max(n, 2)) * (params + 1) / 2
            # relevance: a change must explain ``min_explained`` of the variance seen in the
            # plot, in the dimension that varies least (so a trend in one dimension cannot
            # silence the changes of another); both terms are in noise units
            if self.cost == "meanvar":
                # its cost is n log(variance): explaining that share of the variance saves
                # -n log(1 - share), whatever the variance is
                floor = -n * np.log1p(-self.min_explained)
            else:
                spread = float(((z - z.mean(axis=0)) ** 2).sum(axis=0).min()) if n else 0.0
                floor = self.min_explained * spread
            self.penalty_ = float(max(bic, floor))
        self._segments = _Segments(z, self.cost, var_floor=0.05)
        self._x = x
        cps = self._search(n) if n >= 2 * self.min_size else []
        cps = self._drop_small(cps)
        self.changes_ = self._describe(cps)
        self.change_times_ = [times[c] for c in cps] if times is not None else None
        self.score_ = self._score(cps)
        return self

    def _search(self, n: int) -> list[int]:
        m = self.min_size
        seg = self._segments
        candidates = set()
        for start, length in _seeded_intervals(n, m):
            if length < 2 * m:
                continue
            split = np.arange(m, length - m + 1)
            a = start[:, None]
            j = a + split[None, :]
            b = a + length
            gain = seg.cost(a[:, 0], b[:, 0])[:, None] - seg.cost(a, j) - seg.cost(j, b)
            best = np.argmax(gain, axis=1)
            keep = gain[np.arange(len(start)), best] > self.penalty_ / 2
            candidates.update((start[keep] + split[best[keep]]).tolist())
        cps = _optimal_partition(seg, sorted(candidates), n, m, self.penalty_)
        return _refine(seg, cps, n, m)

    def _drop_small(self, cps: list[int]) -> list[int]:
        """Merge away level shifts below ``min_shift`` noise deviations, smallest first."""
        if self.min_shift <= 0:
            return cps
        cps = list(cps)
        while cps:
            bounds = [0, *cps, self.n_]
            means = np.array([self._x[a:b, 0].mean() for a, b in pairwise(bounds)])
            shifts = np.abs(np.diff(means)) * self._unit[0] / self.scale_[0]
            i = int(np.argmin(shifts))
            if shifts[i] >= self.min_shift:
                break
            del cps[i]
        return cps

    def _describe(self, cps: list[int]) -> list[Change]:
        bounds = [0, *cps, self.n_]
        out = []
        for k, c in enumerate(cps):
            a, b = bounds[k], bounds[k + 2]
            gain = float(self._gains(a, b)[c - a])
            out.append(
                Change(
                    index=c,
                    gain=gain,
                    before=float(self._x[a:c, 0].mean() * self._unit[0]),
                    after=float(self._x[c:b, 0].mean() * self._unit[0]),
                )
            )
        return out

    def _gains(self, a: int, b: int) -> Array:
        """Cost saved by splitting ``[a, b)`` at each point (0 where a split is not allowed)."""
        seg = self._segments
        out = np.zeros(b - a)
        m = self.min_size
        if b - a < 2 * m:
            return out
        j = np.arange(a + m, b - m + 1)
        ends = np.full_like(j, b)
        starts = np.full_like(j, a)
        whole = seg.cost(np.array([a]), np.array([b]))[0]
        out[j - a] = whole - seg.cost(starts, j) - seg.cost(j, ends)
        return np.maximum(out, 0.0)

    def _score(self, cps: list[int]) -> Array:
        score = np.zeros(self.n_)
        bounds = [0, *cps, self.n_]
        # every final segment, and every change with its two neighbouring segments
        spans = list(pairwise(bounds))
        spans += [(bounds[k], bounds[k + 2]) for k in range(len(cps))]
        for a, b in spans:
            g = self._gains(a, b)
            score[a:b] = np.maximum(score[a:b], g / (g + self.penalty_))
        return score

    # --------------------------------------------------------------------------- predict

    def predict(self) -> list[int]:
        """Change point indices, sorted: the first index of each new segment."""
        return [c.index for c in self.changes_]

    def score(self) -> Array:
        """Per point, the evidence in [0, 1] that a change starts there (0.5: just enough)."""
        return self.score_.copy()
