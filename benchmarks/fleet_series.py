"""The share series of :mod:`benchmarks.fleet`'s sensitivity, false-alarm and delay parts:
one function's share ``p`` of ``n`` samples per window (binomial, or beta-binomial with host
over-dispersion ``phi``) with a relative step from window ``BEFORE`` on; the detector run on
them, and the bound a two-proportion z test that is told the onset reaches (:func:`limit`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from efficiency.detect.regression import ShareRegressionDetector

BEFORE, AFTER = 36, 12
SHARES = (0.001, 0.01, 0.05, 0.2)
SAMPLES = (1_000, 10_000, 100_000, 1_000_000)
DISPERSIONS = (1.0, 4.0)
ALPHA = 1e-4
SIZES = np.geomspace(0.002, 8.0, 40)


def simulate(
    p: float, n: int, phi: float, r: np.ndarray, rng: np.random.Generator, windows: int
) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``len(r)`` series: share ``p``, times ``1 + r`` from window BEFORE on."""
    shares = np.full((len(r), windows), p)
    shares[:, BEFORE:] *= 1 + r[:, None]
    shares = np.clip(shares, 1e-9, 1 - 1e-9)
    if phi > 1:
        rho = (phi - 1) / (n - 1)
        conc = (1 - rho) / rho
        shares = rng.beta(shares * conc, (1 - shares) * conc)
    k = rng.binomial(n, shares).astype(np.float64)
    return k, np.full(k.shape, float(n))


def found(det: ShareRegressionDetector, rows: int) -> np.ndarray:
    """Per series: a regression reported with its onset within two windows of the truth."""
    hit = np.zeros(rows, dtype=bool)
    for c in det.predict():
        if c.kind == "regression" and abs(c.onset - BEFORE) <= 2:
            hit[c.series] = True
    return hit


def limit(p: float, n: int, phi: float) -> float:
    """Smallest relative step a two-proportion z test finds in 90% of series when it knows
    the onset (and the over-dispersion), at the same two-sided false-alarm level."""
    z = norm.isf(ALPHA / 2) + norm.isf(0.10)
    return float(z * np.sqrt(phi * p * (1 - p) * (1 / (BEFORE * n) + 1 / (AFTER * n))) / p)


@dataclass
class Cell:
    p: float
    n: int
    phi: float
    smallest: float | None
    bound: float
    delay_median: float | None
    delay_found: float
    false_alarms: int
    passes: int


def smallest_detectable(power: np.ndarray) -> float | None:
    """Smallest size with 90% power, interpolated in log size between grid points."""
    above = np.flatnonzero(power >= 0.9)
    if above.size == 0:
        return None
    i = int(above[0])
    if i == 0:
        return float(SIZES[0])
    lo, hi = np.log(SIZES[i - 1]), np.log(SIZES[i])
    frac = (0.9 - power[i - 1]) / (power[i] - power[i - 1])
    return float(np.exp(lo + frac * (hi - lo)))


def run_cell(p: float, n: int, phi: float, per_size: int, nulls: int, seed: int) -> Cell:
    rng = np.random.default_rng(seed)
    # the per-series test alone: no cost floor (no cores given, share floors off) and no
    # Benjamini-Hochberg across the series of a fit (fdr 1), which would make the bar
    # depend on how many other series of the cell have a step
    det = ShareRegressionDetector(alpha=ALPHA, min_relative=0, min_absolute=0, fdr=1.0)
    windows = BEFORE + AFTER
    sizes = np.repeat(SIZES, per_size)
    k, nn = simulate(p, n, phi, sizes, rng, windows)
    hit = found(det.fit(k, nn), len(sizes))
    power = hit.reshape(len(SIZES), per_size).mean(axis=1)
    smallest = smallest_detectable(power)

    # false alarms: a pass after every new window, on series without a step
    k0, n0 = simulate(p, n, phi, np.zeros(nulls), rng, windows)
    alarms = 0
    for end in range(BEFORE + 1, windows + 1):
        alarms += len(det.fit(k0[:, :end], n0[:, :end]).predict())
    passes = nulls * AFTER

    # delay: steps 1.5x the smallest detectable, a pass after every window after the onset
    delay_median, delay_found = None, 0.0
    if smallest is not None:
        size = np.full(per_size, 1.5 * smallest)
        k1, n1 = simulate(p, n, phi, size, rng, windows)
        first = np.full(per_size, np.inf)
        for after in range(1, AFTER + 1):
            end = BEFORE + after
            now = found(det.fit(k1[:, :end], n1[:, :end]), per_size)
            first[np.isinf(first) & now] = after
        ok = np.isfinite(first)
        delay_found = float(ok.mean())
        delay_median = float(np.median(first[ok])) if ok.any() else None
    return Cell(p, n, phi, smallest, limit(p, n, phi), delay_median, delay_found, alarms, passes)
