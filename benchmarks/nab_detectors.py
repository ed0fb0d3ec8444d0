"""The detectors :mod:`benchmarks.nab` runs (ours, a windowed-Gaussian peer, and the null
and perfect detectors that check the scorer) and a detector's run over the corpus."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import erf

from benchmarks.nab_corpus import Series
from benchmarks.nab_scoring import Array, Profile, SweepResult, sweep
from efficiency.detect.anomaly import MetricAnomalyDetector

Detector = Callable[[Series], Array]


def efficiency_detector(series: Series) -> Array:
    """Ours: :class:`MetricAnomalyDetector` with its defaults, one series at a time."""
    stamps = pd.to_datetime(series.timestamps).to_numpy()
    return MetricAnomalyDetector().fit(series.values, stamps).score()


def windowed_gaussian(series: Series, window: int = 6400) -> Array:
    """Baseline peer: how many standard deviations the value is from the mean of the
    preceding ``window`` values (NAB's "windowed Gaussian" idea, written here), as the
    two-sided Gaussian probability ``erf(|z| / sqrt 2)``."""
    x = pd.Series(series.values)
    mean = x.rolling(window, min_periods=2).mean().shift(1)
    std = x.rolling(window, min_periods=2).std().shift(1)
    z = ((x - mean).abs() / std).to_numpy()
    z = np.where(std.to_numpy() > 0, z, np.where((x - mean).abs().to_numpy() > 0, np.inf, 0.0))
    return np.nan_to_num(erf(z / math.sqrt(2.0)), nan=0.0, posinf=1.0)


def null_detector(series: Series) -> Array:
    """NAB's null detector: a constant score, so the best threshold never fires."""
    return np.full(len(series.values), 0.5)


def perfect_detector(series: Series) -> Array:
    """Fires exactly at the first row of every window: the best any detector can do."""
    out = np.zeros(len(series.values))
    for a, _b in series.windows:
        out[a] = 1.0
    return out


DETECTORS: dict[str, Detector] = {
    "efficiency": efficiency_detector,
    "windowedGaussianBaseline": windowed_gaussian,
}
CHECKS: dict[str, Detector] = {"null": null_detector, "perfect": perfect_detector}


@dataclass
class DetectorRun:
    name: str
    seconds: float
    scores: list[Array]
    results: dict[str, SweepResult] = field(default_factory=dict)


def run_detector(name: str, detector: Detector, corpus: Sequence[Series]) -> DetectorRun:
    started = time.perf_counter()
    scores = []
    for series in corpus:
        s = np.asarray(detector(series), dtype=np.float64)
        if s.shape != series.values.shape or np.any((s < 0) | (s > 1)) or np.isnan(s).any():
            raise ValueError(f"{name} gave scores outside [0, 1] or of the wrong length")
        scores.append(s)
    return DetectorRun(name, time.perf_counter() - started, scores)


def score_run(run: DetectorRun, corpus: Sequence[Series], profiles: Sequence[Profile]) -> None:
    windows = [s.windows for s in corpus]
    for profile in profiles:
        run.results[profile.name] = sweep(run.scores, windows, profile)
