"""How far each metric series moved at a moment in time, in robust units of its own history.

For a problem at time ``T`` every series is split into its *history* (the points in
``[T - history, T - lead)``, however many there are: a series with a few minutes of data is
judged on those minutes) and its *window* (``[T - lead, T + after]``). The history gives a
robust centre and scale: the median, and the largest of ``1.4826 * MAD``,
``1.2533 * mean |x - median|`` and the ``spread_quantile`` (0.75) of ``|x - median|`` (the
last two keep a scale where more than half the points sit exactly on the median, as quantized
counters and near-constant baselines do). Series that are never negative and whose median is
above 0 are judged on a log scale (``log_scale``), with a scale of at least ``log_floor`` log
units: a calm series is judged on its fold change, so a latency going from 5 ms to 6 ms is no
fault however flat it was. Other series' scale is floored at ``level_floor`` times the larger
of the median and the window's largest value, so that a series that never moved is at most
``1 / level_floor`` units from where it sat, not infinitely far. Each window point's robust
z-score is its distance from the centre in that scale, counted only in the direction that
means trouble for the series' kind (:func:`direction`); series of neither direction
(throughput, bytes, syscalls) count only rises (``neutral_rises_only``): their fall is what
every caller of a slow or failing service shows, not a cause.

Two things make a z-score comparable between a calm series and a noisy one, as BARO's robust
scoring (Pham et al., FSE 2024) needs for ranking across metrics:

- **persistence**: the series' move is the ``persist``-th largest z-score of the window (a
  fault lasts minutes; one outlying scrape is not a fault), and
- **surprise**: that move divided by the series' own record, the ``record_quantile`` of the
  z-scores its history had against the same centre and scale (at least 1): a series whose
  history already jumps 8 units now and then is not alarming at 8.

The onset is the first window point whose z-score passes ``onset_z``. Everything here is plain
numpy over one series at a time: no database, no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

#: the strength (``log1p(surprise)``) of a series that moved exactly as far as its own record:
#: below it, a move is the series' ordinary noise
CALM = math.log(2.0)

_MAD_TO_SIGMA = 1.4826
_MEAN_ABS_TO_SIGMA = 1.2533

#: series whose rise is trouble (latency, errors, resource use); a fall of these is ignored
_UP = re.compile(
    r"latenc|duration|_seconds|_ms\b|p9\d|error|fail|exception|timeout|retr(y|ies)|restart|"
    r"cpu|memory|mem_|heap|rss|gc_|thread|queue|saturation|throttl|oom|swap|(?<!work)load",
    re.IGNORECASE,
)
#: series whose fall is trouble (success ratios, availability)
_DOWN = re.compile(r"success|availab|\bup\b|^up$|apdex|hit_ratio", re.IGNORECASE)


def direction(name: str) -> int:
    """+1 when only a rise of ``name`` means trouble, -1 when only a fall does, 0 for both
    (throughput, network bytes, counts: a drop and a surge are both news)."""
    if _DOWN.search(name):
        return -1
    if _UP.search(name):
        return 1
    return 0


@dataclass(frozen=True)
class SignalParams:
    """How a series' move at ``T`` is measured; every field is a ``rca.*`` config key."""

    #: history before ``T`` the robust baseline is taken from (whatever part of it exists)
    history: timedelta = timedelta(minutes=60)
    #: how long after ``T`` a move still counts
    after: timedelta = timedelta(minutes=5)
    #: how long before ``T`` a move already counts (a problem is noticed after it starts)
    lead: timedelta = timedelta(minutes=1)
    #: fewest history points for a scale; a series with fewer is not judged
    min_history: int = 5
    #: fewest history points for a series judged on a log scale, whose scale is at least
    #: ``log_floor`` whatever its history: a call edge seen in one earlier minute at 20 ms
    #: and now at 2 s has moved, though its spread cannot be learned yet
    min_history_logged: int = 1
    #: the scale is at least this fraction of the series' typical level
    level_floor: float = 0.01
    #: the move is the ``persist``-th largest z-score of the window
    persist: int = 2
    #: quantile of the history's own z-scores that a move is measured against (0.8: an
    #: earlier fault minutes back, up to a fifth of the history, does not become the record)
    record_quantile: float = 0.8
    #: robust z-score from which a window point counts as moved (the onset)
    onset_z: float = 3.0
    #: judge series that are never negative (and not mostly zero) on a log scale
    #: (``log(x + offset)``, the offset a fraction of the history's median): a fall of bytes
    #: sent to a tenth is as big a move as a rise to ten times, whatever the series' noise
    #: in absolute units
    log_scale: bool = True
    #: that fraction
    log_offset: float = 0.1
    #: the scale of a log-scale series is at least this many log units (0.7: a calm series
    #: must double to move one unit; a CPU hog from 1% to 100% moves 6)
    log_floor: float = 0.7
    #: quantile of the history's distances from its median that the scale is at least
    spread_quantile: float = 0.75
    #: series whose direction is neutral (throughput, bytes, syscalls) count only rises
    neutral_rises_only: bool = True


@dataclass(frozen=True)
class SeriesMove:
    """One series' move at ``T``."""

    z: float  #: the persistent robust z-score (signed by the trouble direction: >= 0)
    surprise: float  #: z over the series' own record
    peak_at: pd.Timestamp | None  #: when the largest z-score was
    onset_at: pd.Timestamp | None  #: first window point with z >= onset_z
    value: float  #: the value at the peak
    baseline: float  #: the history's median
    scale: float  #: robust units


def series_move(
    ts: pd.DatetimeIndex, values: np.ndarray, at: pd.Timestamp, name: str, params: SignalParams
) -> SeriesMove | None:
    """The move of one series (``ts`` sorted) at ``at``; None when it cannot be judged (too
    little history, or no point in the window)."""
    start, lead_at = at - pd.Timedelta(params.history), at - pd.Timedelta(params.lead)
    end = at + pd.Timedelta(params.after)
    ok = ~np.isnan(values)
    hist_mask = ok & (ts >= start) & (ts < lead_at)
    win_mask = ok & (ts >= lead_at) & (ts <= end)
    count = int(hist_mask.sum())
    if count < min(params.min_history, params.min_history_logged) or not win_mask.any():
        return None
    hist = values[hist_mask]
    window = values[win_mask]
    raw_centre = float(np.median(hist))
    logged = params.log_scale and raw_centre > 0 and hist.min() >= 0 and window.min() >= 0
    if count < params.min_history and not logged:
        return None
    if logged:
        offset = max(params.log_offset * raw_centre, 1e-9)
        hist, window = np.log(hist + offset), np.log(window + offset)
    centre = float(np.median(hist))
    dev = np.abs(hist - centre)
    scale = max(
        _MAD_TO_SIGMA * float(np.median(dev)),
        _MEAN_ABS_TO_SIGMA * float(np.mean(dev)),
        float(np.quantile(dev, params.spread_quantile)),
        # a series that never moved: at most 1 / level_floor units from where it sat to
        # where it is now (an error ratio going from exactly 0 to 0.6 is 100 units, not 10^9)
        params.log_floor * math.sqrt(max(1.0, params.min_history / count))
        if logged
        else params.level_floor * max(abs(centre), float(np.abs(window).max())),
        1e-12,
    )
    sign = direction(name) or (1 if params.neutral_rises_only else 0)
    raw = (window - centre) / scale
    z = raw * sign if sign else np.abs(raw)
    z = np.maximum(z, 0.0)
    hist_z = (hist - centre) / scale
    hist_z = np.maximum(hist_z * sign, 0.0) if sign else np.abs(hist_z)
    return summarise(
        z, hist_z, ts[win_mask], values[win_mask], raw_centre, scale,
        persist=params.persist, record_quantile=params.record_quantile, onset_z=params.onset_z,
    )  # fmt: skip


def summarise(
    z: np.ndarray, hist_z: np.ndarray, win_ts: pd.DatetimeIndex, window: np.ndarray,
    baseline: float | np.ndarray, scale: float | np.ndarray, *, persist: int,
    record_quantile: float, onset_z: float,
) -> SeriesMove:  # fmt: skip
    """A series' move from its window's z-scores (``z``, >= 0) and its history's (``hist_z``):
    the ``persist``-th largest z, over the history's own record (its ``record_quantile``, at
    least 1), peaking at the largest and starting at the first z of ``onset_z``. ``baseline``
    and ``scale`` are one number, or one per window point (read at the peak)."""
    record = max(float(np.quantile(hist_z, record_quantile)), 1.0)
    ranked = np.sort(z)[::-1]
    move = float(ranked[min(persist, len(ranked)) - 1])
    peak = int(np.argmax(z))
    moved = np.flatnonzero(z >= onset_z)
    return SeriesMove(
        z=move,
        surprise=move / record,
        peak_at=win_ts[peak],
        onset_at=win_ts[moved[0]] if len(moved) else None,
        value=float(window[peak]),
        baseline=float(np.asarray(baseline)[peak] if np.ndim(baseline) else baseline),
        scale=float(np.asarray(scale)[peak] if np.ndim(scale) else scale),
    )
