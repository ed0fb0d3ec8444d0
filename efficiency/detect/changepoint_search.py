"""The cost functions and the search of :class:`efficiency.detect.changepoint.ChangepointDetector`:
segment costs from cumulative sums, the robust noise scale, winsorising, seeded intervals,
optimal partitioning over candidates and the refinement of each change. The method and its
references are in :mod:`efficiency.detect.changepoint`'s docstring.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]
Cost = Literal["mean", "meanvar", "linear"]

_MAD_TO_SD = 1.482602218505602  # 1 / Phi^-1(3/4): MAD of a normal sample -> its sd
_MAX_PHI = 0.8  # beyond this an AR(1) estimate from two lags is too unstable to trust


class _Segments:
    """Segment costs of one standardised series from cumulative sums: ``cost(a, b)`` is the
    cost of ``x[a:b]`` for arrays of ``a`` and ``b`` at once (twice the negative Gaussian
    log-likelihood, up to constants)."""

    def __init__(self, z: Array, kind: Cost, var_floor: float) -> None:
        n = z.shape[0]
        self.kind = kind
        self.var_floor = var_floor
        zero = np.zeros((1, z.shape[1]))
        self.s1 = np.concatenate([zero, np.cumsum(z, axis=0)])
        self.s2 = np.concatenate([zero, np.cumsum(z * z, axis=0)])
        if kind == "linear":
            t = np.arange(n, dtype=np.float64)[:, None] / max(n, 1)
            self.st = np.concatenate([[0.0], np.cumsum(t[:, 0])])
            self.stt = np.concatenate([[0.0], np.cumsum(t[:, 0] ** 2)])
            self.sty = np.concatenate([zero, np.cumsum(t * z, axis=0)])

    def cost(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> Array:
        length = (b - a).astype(np.float64)[..., None]
        sy = self.s1[b] - self.s1[a]
        syy = self.s2[b] - self.s2[a]
        with np.errstate(divide="ignore", invalid="ignore"):
            rss = syy - np.where(length > 0, sy * sy / length, 0.0)
            if self.kind == "linear":
                st = (self.st[b] - self.st[a])[..., None]
                stt = (self.stt[b] - self.stt[a])[..., None]
                sty = self.sty[b] - self.sty[a]
                sxx = stt - st * st / length
                sxy = sty - st * sy / length
                rss = rss - np.where(sxx > 1e-12, sxy * sxy / sxx, 0.0)
            rss = np.maximum(rss, 0.0)
            if self.kind == "meanvar":
                var = np.maximum(rss / length, self.var_floor)
                out = np.where(length > 0, length * np.log(var), 0.0)
            else:
                out = rss
        return out.sum(axis=-1)


# ---------------------------------------------------------------------------- helpers


def _fill_missing(x: Array) -> Array:
    bad = ~np.isfinite(x)
    if not bad.any():
        return x
    frame = pd.DataFrame(np.where(bad, np.nan, x))
    filled = frame.interpolate(limit_direction="both").fillna(0.0)
    return filled.to_numpy(dtype=np.float64)


def _robust_sd(d: Array) -> Array:
    """Per column: MAD-based sd of ``d``, falling back to the mean absolute deviation and then
    the plain sd where more than half of the values tie (integer counts, flat stretches)."""
    med = np.median(d, axis=0)
    dev = np.abs(d - med)
    mad = np.median(dev, axis=0) * _MAD_TO_SD
    mean_abs = dev.mean(axis=0) * np.sqrt(np.pi / 2)
    return np.where(mad > 0, mad, np.where(mean_abs > 0, mean_abs, d.std(axis=0)))


def _noise_scale(x: Array, autocorrelation: bool) -> Array:
    """Per column, the noise deviation a mean-shift test should use (see the docstring of
    :mod:`efficiency.detect.changepoint`)."""
    n, d = x.shape
    if n < 3:
        return np.ones(d)
    v1 = _robust_sd(np.diff(x, axis=0)) ** 2 / 2  # s^2 (1 - phi)
    scale = np.sqrt(v1)
    if autocorrelation and n >= 4:
        v2 = _robust_sd(x[2:] - x[:-2]) ** 2 / 2  # s^2 (1 - phi^2)
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.clip(np.where(v1 > 0, v2 / v1 - 1, 0.0), 0.0, _MAX_PHI)
        # marginal variance v1 / (1 - phi), long-run variance that times (1 + phi) / (1 - phi)
        scale = np.sqrt(v1 * (1 + phi)) / (1 - phi)
    fallback = x.std(axis=0)
    scale = np.where(scale > 0, scale, np.where(fallback > 0, fallback, 1.0))
    return scale


def _winsorise(z: Array, window: int, clip: float) -> Array:
    med = (
        pd.DataFrame(z)
        .rolling(window, center=True, min_periods=1)
        .median()
        .to_numpy(dtype=np.float64)
    )
    return np.clip(z, med - clip, med + clip)


def _seeded_intervals(n: int, m: int) -> list[tuple[NDArray[np.int64], int]]:
    """Seeded intervals: layer ``k`` covers ``[0, n)`` with ``2 ceil(2^(k/2)) - 1`` evenly
    shifted intervals of length ``n / 2^(k/2)`` (decay sqrt(2), Kovacs et al. 2023), down to
    ``2 * m`` points."""
    layers = []
    k = 0
    while True:
        length = int(np.ceil(n / 2 ** (k / 2)))
        if length < 2 * m:
            break
        count = 2 * int(np.ceil(n / length)) - 1
        starts = np.unique(np.round(np.linspace(0, n - length, count)).astype(np.int64))
        layers.append((starts, length))
        k += 1
    return layers


def _optimal_partition(
    seg: _Segments, candidates: list[int], n: int, m: int, penalty: float
) -> list[int]:
    """Exact minimum of the penalised cost when changes may only sit at ``candidates``: a loop
    over candidates, each step vectorised over all earlier ones."""
    pos = np.array([0, *[c for c in candidates if m <= c <= n - m], n], dtype=np.int64)
    best = np.full(len(pos), np.inf)
    best[0] = -penalty
    back = np.zeros(len(pos), dtype=np.int64)
    for j in range(1, len(pos)):
        i = np.flatnonzero(pos[:j] <= pos[j] - m)
        if i.size == 0:
            continue
        total = best[i] + seg.cost(pos[i], np.full(i.size, pos[j])) + penalty
        k = int(np.argmin(total))
        best[j], back[j] = total[k], i[k]
    cps = []
    j = len(pos) - 1
    while j > 0:
        j = int(back[j])
        if j > 0:
            cps.append(int(pos[j]))
    return sorted(cps)


def _refine(seg: _Segments, cps: list[int], n: int, m: int) -> list[int]:
    """Move each change to its best split between its neighbours (one pass, left to right)."""
    cps = list(cps)
    for k in range(len(cps)):
        a = cps[k - 1] if k > 0 else 0
        b = cps[k + 1] if k + 1 < len(cps) else n
        j = np.arange(a + m, b - m + 1)
        if j.size == 0:
            continue
        total = seg.cost(np.full_like(j, a), j) + seg.cost(j, np.full_like(j, b))
        cps[k] = int(j[np.argmin(total)])
    return cps
