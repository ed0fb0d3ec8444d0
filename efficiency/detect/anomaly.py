"""Metric anomaly detection: a causal univariate detector and a multivariate host detector.

:class:`MetricAnomalyDetector` scores every point of one metric series in [0, 1] from the
points up to it, never later ones, so the same scores come out whether the series is scored
in one batch (:meth:`~MetricAnomalyDetector.fit`) or point by point as it arrives
(:meth:`~MetricAnomalyDetector.update`). It combines three published ideas, each written here:

1. **A robust baseline with a seasonal alternative.** The expected value is the rolling median
   of the last ``window`` points; when the timestamps show a daily rhythm, also the median of
   the same time of day over the last ``seasons`` days, level-corrected by the recent median
   of its residuals (seasonal-naive forecasting, as in Hyndman & Athanasopoulos, *Forecasting:
   Principles and Practice*, ch. 5). Each point uses whichever model had the clearly smaller
   residual scale over the preceding points, so a flat series is not forced into a season and
   a daily one does not alarm at every peak. A sustained level shift moves the rolling medians
   within ``window / 2`` points: the detector re-baselines by itself and stops alarming.
2. **Surprise relative to the series' own history.** The residual's robust z-score (scale:
   MAD, or the mean absolute residual where more than half the residuals are zero, as in
   quantized CPU metrics, and at least a tenth of its mean over the last five windows, so a
   sparse series' first burst after a silence is not an infinite z) is divided by the
   largest z-score of the previous ``memory`` points. One global threshold then means
   "clearly more unusual than anything in the recent past" on a calm series and on a spiky
   one alike, which is what a fleet of heterogeneous series (and NAB's single threshold per
   corpus) needs. This is the idea behind Numenta's anomaly likelihood (Ahmad et al. 2017,
   "Unsupervised real-time anomaly detection for streaming data"): judge a raw anomaly score
   against the distribution of its own past.
3. **Novel values.** A value beyond the range of the previous ``range_memory`` points is
   suspicious in itself (the "contextual novelty" that the best NAB detectors, CAD OSE and
   ARTime, reward); its distance past the old range, as a fraction of that range, is a second
   signal.
4. **Sustained surprise.** A changed rhythm (a burst of oscillation, a stretch of raised
   noise, a drift) is often made of points that are each unremarkable. The mean of the last
   ``short`` z-scores (each capped at 5, so one spike does not pass for a stretch) is judged
   the same way as a single z-score: divided by its own largest value over the previous
   ``short_memory`` points and weighted by ``short_weight`` (1.1), so it fires where the
   stretch's mean first sets a new record (those earlier means overlap the stretch; a record
   of only the means before it did worse on NAB). This is the second half of Numenta's
   anomaly likelihood (Ahmad et al. 2017): a short-window average of the raw anomaly score,
   compared with that average's long-term history, finds changes that no single point
   shows. On NAB it turns 11 missed windows into hits (standard 66 -> 72.5).

A point's surprise ``q`` is the largest of these signals; it becomes the score
``q / (q + 1.2)`` (0.5 at 1.2x the recent record). One event pages once, at its first point:
a score is kept only where it beats every score of the preceding ``suppress`` points, and an
*anomaly run* (points reaching ``threshold`` less than ``suppress`` points apart) scores only
at its start; every later point of the run scores 0, even a higher one. NAB rewards the
earliest detection in a window and charges every alarm outside it, and a pager wants the
same: on NAB's development files the run mute is worth about 1 point of NAB standard. A run ends
``suppress`` points after its last alarming point, so a fault minutes after the last one
still pages.
The first ``warmup`` points score 0 (NAB's probation idea: nothing is known yet); every
baseline, scale and record is taken over whatever history exists, from ``min_history`` points
on, so a new series gives signals within its first minutes rather than after a long warm-up.

Everything in :meth:`~MetricAnomalyDetector.fit` is vectorized (rolling order statistics and
window means over the whole array); there is no loop over points. Every statistic looks back a
bounded number of points and is computed the same way whatever the first point is, so
:meth:`~MetricAnomalyDetector.update` keeps only that many points and re-scores the newest one
from them: exactly the batch score, with bounded memory.

:class:`HostAnomalyDetector` is the second, multivariate signal: an isolation forest (Liu, Ting
& Zhou 2008; scikit-learn's ``IsolationForest``) over the host's aligned metric vector, which
finds moments that are unusual only in combination (CPU normal, memory normal, both at once
never seen); it lives in :mod:`efficiency.detect.host` and is re-exported here.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from efficiency.detect.host import HostAnomalyDetector

Array = NDArray[np.float64]

__all__ = ["HostAnomalyDetector", "MetricAnomalyDetector"]

_MAD_TO_SIGMA = 1.4826  # MAD to standard deviation, Gaussian data
_MEAN_ABS_TO_SIGMA = 1.2533  # mean absolute deviation to standard deviation, Gaussian data
_SCORE_HALF = 1.2  # surprise at which the score is 0.5
_PERIOD_PROBE = 32  # timestamps used to find the sampling interval
_MIN_SEASON_POINTS, _MAX_SEASON_POINTS = 8, 1440  # daily period between 3 h and 1 min steps
_BIG = 1e12  # stands in for an infinite surprise
_Z_CAP = 5.0  # z-scores are capped here before the sustained-surprise mean


# ------------------------------------------------------------------------------- helpers


def _lag(x: Array, lag: int) -> Array:
    """``x`` shifted ``lag`` points later (NaN in front): the statistic of the points before."""
    if lag <= 0:
        return x
    out = np.full_like(x, np.nan)
    if lag < len(x):
        out[lag:] = x[:-lag]
    return out


def _rolling(x: Array, window: int, how: str, min_periods: int, lag: int = 0) -> Array:
    """Rolling order statistic (median, max, min) of the last ``window`` points, NaN skipped.

    Order statistics are exact, so the value at a point depends only on the points in its
    window, never on where the array starts: what makes streaming equal batch."""
    rolling = pd.Series(x).rolling(window, min_periods=min(min_periods, window))
    return _lag(getattr(rolling, how)().to_numpy(), lag)


def _window_mean(x: Array, window: int, min_periods: int, lag: int = 0) -> Array:
    """Mean of the last ``window`` non-NaN points, each window summed on its own (a running
    sum would carry rounding from the start of the array and break streaming == batch)."""
    n = len(x)
    out = np.full(n, np.nan)
    padded = np.r_[np.full(window - 1, np.nan), x]
    views = sliding_window_view(padded, window)
    chunk = max(1, 2_000_000 // window)
    for start in range(0, n, chunk):
        block = views[start : start + chunk]
        valid = ~np.isnan(block)
        count = valid.sum(axis=1)
        total = np.where(valid, block, 0.0).sum(axis=1)
        with np.errstate(all="ignore"):
            out[start : start + chunk] = np.where(
                count >= min(min_periods, window), total / count, np.nan
            )
    return _lag(out, lag)


def _daily_period(timestamps: ArrayLike | None) -> int:
    """Points per day when the sampling interval (median step of the first timestamps) makes
    a daily season usable; 0 otherwise (no timestamps, or too coarse or too fine steps)."""
    if timestamps is None:
        return 0
    stamps = pd.to_datetime(pd.Series(np.asarray(timestamps)[:_PERIOD_PROBE]))
    if len(stamps) < 3:
        return 0
    step = stamps.diff().dropna().median()
    if pd.isna(step) or step <= pd.Timedelta(0):
        return 0
    period = round(pd.Timedelta(days=1) / step)
    return period if _MIN_SEASON_POINTS <= period <= _MAX_SEASON_POINTS else 0


def _as_values(values: ArrayLike) -> Array:
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("values must be one-dimensional")
    if np.isinf(x).any():
        raise ValueError("values must be finite (NaN marks a missing point)")
    return x


# ------------------------------------------------------------------------ univariate


class MetricAnomalyDetector:
    """Causal anomaly scores in [0, 1] for one metric series: ``fit(values, timestamps)``
    then ``score()`` / ``predict()``, or ``update(value, timestamp)`` point by point.

    Parameters (counts are points, not time):

    - ``window``: points of the rolling-median baseline and of the residual scale; a level
      shift stops alarming after about ``window / 2`` points.
    - ``seasons``: days of the same time of day in the seasonal baseline (0: never seasonal).
    - ``period``: points per season; ``None`` derives a daily period from the timestamps'
      sampling interval (between 1 minute and 3 hours), no timestamps means no season.
    - ``season_gain``: the seasonal model is used only where its residual scale is below
      this fraction of the plain one (a daily rhythm must clearly explain the data).
    - ``memory``: points whose largest surprise a new point must beat to score high.
    - ``surprise_weight``: the point surprise is the z-score over that record times this
      weight (below 1: a lone spike must beat the record by more than a new value or a
      stretch must; lone spikes were most of the false alarms on NAB's development files).
    - ``range_memory``: points whose value range a novel value is measured against.
    - ``novelty_weight``: surprise per fraction of the old range that a value lies beyond it.
    - ``short``: points in the mean of (capped) z-scores, the sustained-surprise signal.
    - ``short_memory``: points whose largest such mean a new mean must beat.
    - ``short_weight``: the sustained surprise is the mean over that record times this
      weight (above 1: a stretch only slightly above its record already counts as news).
    - ``suppress``: points after a score during which only a higher score is reported, and
      after a point reaching ``threshold`` during which nothing is (the anomaly run's mute;
      it follows the detector's ``threshold``, not one passed to :meth:`predict`).
    - ``warmup``: first points that score 0 (NAB's probation idea); small by default, since
      every statistic works from the history there is.
    - ``min_history``: fewest earlier points a baseline, scale or record is taken from: a
      series is scored from its ``min_history + 1``-th point on, against whatever history
      it has by then (robust statistics of 8 points are rough, but a level shift of many
      robust units is visible on them; the records then grow with the history).
    - ``long_scale``, ``long_windows``: the residual scale is at least ``long_scale`` times
      the mean scale of the last ``long_windows`` windows (a sparse series, flat between
      bursts, otherwise has a zero scale and near-infinite z-scores after every silence).
    - ``threshold``: the default of :meth:`predict` (what ``score-series`` marks as
      ``is_anomaly``); 0.49 is a surprise of about 1.16x the recent record: on NAB's
      development files (``benchmarks/nab_split.py``) the threshold whose score, averaged
      over its neighbours 0.004 either side, is highest. The single best one (0.492-0.493)
      sits at the edge of a cliff (0.496 scores 4.5 points less), where barely-hit windows
      and false alarms both score.

    The defaults were chosen on the development half of the Numenta Anomaly Benchmark
    (``benchmarks/nab_split.py``: files split by a hash of their name) for 5-minute data; they
    are in points, so for other intervals scale the counts.
    """

    def __init__(
        self,
        window: int = 288,
        seasons: int = 3,
        period: int | None = None,
        season_gain: float = 0.8,
        memory: int = 1500,
        surprise_weight: float = 0.95,
        range_memory: int = 4000,
        novelty_weight: float = 10.0,
        short: int = 24,
        short_memory: int = 5000,
        short_weight: float = 1.1,
        suppress: int = 12,
        warmup: int = 10,
        threshold: float = 0.49,
        min_history: int = 8,
        long_scale: float = 0.1,
        long_windows: int = 5,
    ) -> None:
        if window < 8:
            raise ValueError("window must be at least 8 points")
        if seasons < 0 or (period is not None and period < 0):
            raise ValueError("seasons and period must not be negative")
        if min(memory, range_memory, suppress, short, short_memory) < 1:
            raise ValueError(
                "memory, range_memory, short, short_memory and suppress must be at least 1"
            )
        if min_history < 3:
            raise ValueError("min_history must be at least 3 points")
        if warmup < min_history:
            raise ValueError("warmup must be at least min_history points")
        if not 0 <= threshold <= 1:
            raise ValueError("threshold must be in [0, 1]")
        if long_windows < 1 or long_scale < 0:
            raise ValueError("long_windows must be at least 1 and long_scale not negative")
        self.window = window
        self.seasons = seasons
        self.period = period
        self.season_gain = season_gain
        self.memory = memory
        self.surprise_weight = surprise_weight
        self.range_memory = range_memory
        self.novelty_weight = novelty_weight
        self.short = short
        self.short_memory = short_memory
        self.short_weight = short_weight
        self.suppress = suppress
        self.warmup = warmup
        self.threshold = threshold
        self.min_history = min_history
        self.long_scale = long_scale
        self.long_windows = long_windows
        self._reset()

    def _reset(self) -> None:
        self.period_: int | None = None
        self._stamps: list[Any] = []
        self._buffer: list[float] = []
        self._seen = 0

    # ------------------------------------------------------------------------- scoring

    def _probe(self) -> int:
        """Timestamps the period is found from: those seen by the first scored point, so
        :meth:`update` fixes it from the same stamps as :meth:`fit`."""
        return min(_PERIOD_PROBE, self.warmup + 1)

    def _season(self) -> int:
        """Points per season, fixed once from the first timestamps (or ``period``)."""
        if self.period_ is None:
            if self.seasons == 0:
                self.period_ = 0
            elif self.period is not None:
                self.period_ = self.period
            else:
                self.period_ = _daily_period(self._stamps or None)
        return self.period_

    def lookback(self) -> int:
        """Points a score depends on (the point itself included): what ``update`` keeps."""
        season = self._season() * self.seasons if self._season() > 1 else 0
        residual = (1 + self.long_windows) * self.window + season  # baseline, then scales
        sustained = self.short_memory + self.short + residual
        return self.suppress + max(self.memory + residual, sustained, self.range_memory) + 2

    def _residual_z(self, x: Array) -> Array:
        """|residual| / scale of the better of the plain and the seasonal baseline."""
        w = self.window
        min_obs = self.min_history
        base = _rolling(x, w, "median", min_obs, lag=1)
        residuals = [x - base]
        period = self._season()
        if period > 1 and self.seasons > 0:
            same_time = np.vstack([_lag(x, k * period) for k in range(1, self.seasons + 1)])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns early on
                seasonal = x - np.nanmedian(same_time, axis=0)
            residuals.append(seasonal - _rolling(seasonal, w, "median", min_obs, lag=1))
        floor = 1e-3 * np.abs(base) + 1e-9  # a perfectly flat past: any change is news
        zs, scales = [], []
        for r in residuals:
            a = np.abs(r)
            mad = _MAD_TO_SIGMA * _rolling(a, w, "median", min_obs, lag=1)
            mean_abs = _MEAN_ABS_TO_SIGMA * _window_mean(a, w, min_obs, lag=1)
            scale = np.fmax(mad, mean_abs)
            # a sparse series' all-zero window after a silence keeps part of the longer-run
            # scale: its first blip is not a near-infinite z that holds every record down
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN early on
                lags = [_lag(mean_abs, k * w) for k in range(self.long_windows)]
                scale = np.fmax(scale, self.long_scale * np.nanmean(np.vstack(lags), axis=0))
            zs.append(a / np.maximum(scale, floor))  # NaN (no scale yet) stays NaN: no score
            scales.append(np.nan_to_num(scale, nan=np.inf))
        z = zs[0]
        if len(zs) == 2:
            z = np.where(scales[1] < self.season_gain * scales[0], zs[1], zs[0])
        # NaN where there is no scale yet: such points neither score nor count towards a
        # record (a record of zeros would make the first real z-score look infinite)
        return np.where(np.isnan(z), np.nan, np.minimum(z, _BIG))

    def _scores(self, x: Array, first_index: int) -> Array:
        """Scores of ``x`` whose first point is point ``first_index`` of the series."""
        with np.errstate(all="ignore"):
            z = self._residual_z(x)
            history = self.min_history
            record = _rolling(z, self.memory, "max", history, lag=1)
            surprise = self.surprise_weight * z / np.fmax(np.nan_to_num(record, nan=np.inf), 1e-9)
            high = _rolling(x, self.range_memory, "max", history, lag=1)
            low = _rolling(x, self.range_memory, "min", history, lag=1)
            beyond = np.fmax(x - high, low - x) / np.fmax(high - low, 1e-9)
            beyond = np.nan_to_num(beyond, nan=0.0, posinf=_BIG)
            novelty = np.where(beyond > 0, 1.0 + self.novelty_weight * beyond, 0.0)
            mean_z = _window_mean(np.minimum(z, _Z_CAP), self.short, self.short)
            mean_record = _rolling(mean_z, self.short_memory, "max", history, lag=1)
            sustained = (
                self.short_weight * mean_z / np.fmax(np.nan_to_num(mean_record, nan=np.inf), 1e-9)
            )
            q = np.fmax(np.fmax(surprise, novelty), np.nan_to_num(sustained, nan=0.0))
            q = np.nan_to_num(q, nan=0.0, posinf=_BIG)
            q = np.minimum(q, _BIG)
            raw = q / (q + _SCORE_HALF)
        raw[np.arange(first_index, first_index + len(x)) < self.warmup] = 0.0
        raw[np.isnan(x)] = 0.0
        previous = np.nan_to_num(_rolling(raw, self.suppress, "max", 1, lag=1), nan=0.0)
        out = np.where(raw > previous, raw, 0.0)
        # an anomaly run pages once, at its first point: the run goes on while points keep
        # reaching the threshold, and ends ``suppress`` points after the last one; nothing
        # inside it scores, not even a higher point (the first point of an event earns NAB's
        # reward, every later alarm outside the labeled window costs)
        running = (raw >= self.threshold).astype(np.float64)
        out[np.nan_to_num(_rolling(running, self.suppress, "max", 1, lag=1), nan=0.0) > 0] = 0.0
        return np.clip(out, 0.0, 1.0)

    # ------------------------------------------------------------------------- estimator

    def fit(self, values: ArrayLike, timestamps: ArrayLike | None = None) -> Self:
        """Score a whole series at once (causally). Later :meth:`update` calls continue it."""
        x = _as_values(values)
        if timestamps is not None and len(np.asarray(timestamps)) != len(x):
            raise ValueError("timestamps and values must have the same length")
        self._reset()
        if timestamps is not None:
            self._stamps = list(np.asarray(timestamps)[: self._probe()])
        self.scores_ = self._scores(x, 0) if len(x) > self.warmup else np.zeros(len(x))
        self._seen = len(x)
        self._buffer = x[-self.lookback() :].tolist() if len(x) > self.warmup else x.tolist()
        return self

    def score(self) -> Array:
        """The last :meth:`fit`'s scores, one per point, in [0, 1]."""
        if not hasattr(self, "scores_"):
            raise RuntimeError("call fit() first")
        return self.scores_

    def predict(self, threshold: float | None = None) -> NDArray[np.bool_]:
        """Anomalous points of the last :meth:`fit`: score at or above the threshold."""
        return self.score() >= (self.threshold if threshold is None else threshold)

    def update(self, value: float, timestamp: Any = None) -> float:
        """Score of one new point, from the points before it: equal to what :meth:`fit` gives
        that point in the whole series. Keeps only :meth:`lookback` points."""
        x = float(value)
        if np.isinf(x):
            raise ValueError("values must be finite (NaN marks a missing point)")
        if timestamp is not None and len(self._stamps) < self._probe():
            self._stamps.append(timestamp)
        self._buffer.append(x)
        self._seen += 1
        if self._seen <= self.warmup:
            return 0.0
        keep = self.lookback()
        if len(self._buffer) > 2 * keep:  # trim now and then, not on every point
            del self._buffer[:-keep]
        window = np.asarray(self._buffer[-keep:])
        return float(self._scores(window, self._seen - len(window))[-1])
