"""The metric and host anomaly detectors on synthetic series with known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from efficiency.detect.anomaly import HostAnomalyDetector, MetricAnomalyDetector

#: smaller windows than the defaults, so every test stays fast
SMALL = dict(window=96, memory=600, range_memory=1500, suppress=24, warmup=100)


def stamps(n: int, minutes: int = 5) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=n, freq=f"{minutes}min")


def noise(n: int, seed: int = 0, level: float = 50.0) -> np.ndarray:
    return level + np.random.default_rng(seed).normal(0.0, 1.0, n)


def test_a_spike_scores_high_and_normal_points_low() -> None:
    x = noise(1500)
    x[1200] += 12.0
    det = MetricAnomalyDetector(**SMALL).fit(x, stamps(len(x)))
    s = det.score()
    assert s[1200] > 0.7
    assert int(np.argmax(s)) == 1200
    normal = np.r_[s[300:1200], s[1201:]]  # after the first memory fills, spike excluded
    assert np.mean(normal >= det.threshold) < 0.005
    assert np.median(normal) < 0.1


def test_a_level_shift_alarms_at_its_start_then_stops() -> None:
    x = noise(2000, seed=1)
    x[1000:] += 8.0
    det = MetricAnomalyDetector(**SMALL).fit(x, stamps(len(x)))
    s, alarms = det.score(), det.predict()
    first = np.flatnonzero(alarms[1000:])
    assert first.size and first[0] <= 3  # found at its start
    # one page per run: the shifted points after the first alarm (each still far off the old
    # median, so each alarming on its own) are muted until `suppress` points after the last
    start = 1000 + int(first[0])
    assert not alarms[start + 1 : start + SMALL["suppress"]].any()
    # re-baselined: no strong score after it, only the rare record that plain noise makes
    settled = slice(1000 + SMALL["window"], None)
    assert s[settled].max() < 0.8
    assert alarms[settled].mean() < 0.01 and alarms[:1000].mean() < 0.01


def test_daily_peaks_are_not_anomalies_once_the_rhythm_is_known() -> None:
    n = 288 * 8  # 8 days of 5-minute points
    t = np.arange(n)
    x = 100 + 30 * np.sin(2 * np.pi * t / 288) + np.random.default_rng(2).normal(0, 1, n)
    det = MetricAnomalyDetector(**SMALL).fit(x, stamps(n))
    assert det.period_ == 288
    assert not det.predict()[2 * 288 :].any()  # the first day is new by definition
    # the same peaks made twice as high on day 6 are found
    y = x.copy()
    y[5 * 288 + 60 : 5 * 288 + 84] += 40
    alarms = np.flatnonzero(MetricAnomalyDetector(**SMALL).fit(y, stamps(n)).predict())
    assert any(5 * 288 + 60 <= a < 5 * 288 + 84 for a in alarms)


def test_a_stretch_of_unremarkable_points_is_found_by_its_mean() -> None:
    """Regular spikes set a high point record; then 48 points swing within the old range and
    below that record. No point is news, the stretch's mean z-score is."""
    x = 10 + np.tile([0.0, 1.0, 0.0, -1.0], 500)
    x[50::100] += 4.0
    x[1500:1548] = 10 + np.where(np.arange(48) % 2, 3.0, -1.0)
    with_mean = MetricAnomalyDetector(**SMALL).fit(x).score()
    points_only = MetricAnomalyDetector(**SMALL, short_weight=0.0).fit(x).score()
    stretch = slice(1500, 1548)
    assert with_mean[stretch].max() > points_only[stretch].max() + 0.2
    assert with_mean[stretch].max() > max(with_mean[300:1500].max(), with_mean[1548:].max())


def test_streaming_updates_equal_the_batch_scores() -> None:
    n = 288 * 2  # the daily season is in play on the second day
    t = stamps(n)
    x = 20 + 5 * np.sin(2 * np.pi * np.arange(n) / 288) + noise(n, seed=3, level=0.0)
    x[450] += 15
    params = dict(SMALL, memory=200, range_memory=300)
    batch = MetricAnomalyDetector(**params).fit(x, t).score()
    assert batch[450] > 0.5  # something to agree on, not only zeros
    stream = MetricAnomalyDetector(**params)
    streamed = np.array([stream.update(v, ts) for v, ts in zip(x, t, strict=True)])
    np.testing.assert_array_equal(streamed, batch)
    # fitting a prefix and streaming the rest gives the same scores too
    resumed = MetricAnomalyDetector(**params).fit(x[:300], t[:300])
    rest = [resumed.update(v, ts) for v, ts in zip(x[300:], t[300:], strict=True)]
    np.testing.assert_array_equal(rest, batch[300:])


def test_streaming_equals_batch_after_the_buffer_is_trimmed() -> None:
    params = dict(window=16, memory=40, range_memory=60, short=8, short_memory=50, suppress=8)
    params["warmup"] = 32
    x = noise(700, seed=5)
    x[400:430] += 2.5 * np.where(np.arange(30) % 2, 1.0, -1.0)
    x[600] += 9.0
    det = MetricAnomalyDetector(**params)
    assert 2 * det.lookback() < len(x)  # the update buffer is trimmed on the way
    batch = MetricAnomalyDetector(**params).fit(x).score()
    assert batch.max() > 0.5
    np.testing.assert_array_equal([det.update(v) for v in x], batch)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 400),
        elements=st.floats(allow_nan=False, allow_infinity=False, width=64),
    )
)
def test_scores_are_always_in_the_unit_interval(x: np.ndarray) -> None:
    det = MetricAnomalyDetector(window=16, memory=64, range_memory=64, suppress=8, warmup=32)
    s = det.fit(x).score()
    assert s.shape == x.shape
    assert np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize("value", [0.0, 3.5, -1e6])
def test_a_constant_series_never_alarms(value: float) -> None:
    s = MetricAnomalyDetector(**SMALL).fit(np.full(800, value), stamps(800)).score()
    assert np.all(s == 0.0)


def test_missing_points_score_zero_and_bad_input_is_refused() -> None:
    x = noise(600)
    x[400] = np.nan
    s = MetricAnomalyDetector(**SMALL).fit(x).score()
    assert s[400] == 0 and np.all(np.isfinite(s))
    with pytest.raises(ValueError):
        MetricAnomalyDetector().fit([1.0, np.inf])
    with pytest.raises(ValueError):
        MetricAnomalyDetector(warmup=5)
    with pytest.raises(RuntimeError):
        MetricAnomalyDetector().score()


def test_host_detector_flags_a_joint_outlier() -> None:
    """CPU and request rate move together; one row has a normal CPU and a normal request rate
    but not together: only the combination is unusual."""
    rng = np.random.default_rng(4)
    load = rng.uniform(0, 1, 1000)
    frame = pd.DataFrame(
        {
            "cpu": 10 + 80 * load + rng.normal(0, 2, 1000),
            "requests": 100 + 900 * load + rng.normal(0, 20, 1000),
        }
    )
    frame.loc[500, ["cpu", "requests"]] = [85.0, 150.0]  # busy CPU, idle traffic
    det = HostAnomalyDetector().fit(frame)
    s = det.score()
    assert np.all((s >= 0) & (s <= 1))
    assert int(np.argmax(s)) == 500
    assert det.predict()[500] and det.predict().mean() < 0.05
    fresh = det.score_samples(frame.iloc[[10, 500]])
    assert fresh[1] > fresh[0]


def test_a_new_series_signals_within_its_first_minutes() -> None:
    """No long warm-up: a CPU hog 15 minutes into a new per-minute series is flagged when it
    starts; the mute after it is a parameter, and with a short one a worse problem 8 minutes
    later is flagged too."""
    rng = np.random.default_rng(3)
    x = 1.0 + rng.normal(0, 0.05, 40)
    x[15:18] = 95.0
    x[23:26] = 300.0
    stamps = pd.date_range("2026-01-01", periods=len(x), freq="min")
    flagged = np.flatnonzero(MetricAnomalyDetector().fit(x, stamps).predict())
    assert flagged[0] == 15 and 23 not in flagged  # muted for `suppress` (12) points
    short = np.flatnonzero(MetricAnomalyDetector(suppress=5).fit(x, stamps).predict())
    assert short[0] == 15 and 23 in short
    assert not (set(short) - {15, 16, 17, 23, 24, 25})
    with pytest.raises(ValueError, match="min_history"):
        MetricAnomalyDetector(warmup=4, min_history=8)


def test_an_anomaly_run_pages_once_and_the_next_event_pages_again() -> None:
    """A burst pages at its first point; a larger point inside the same run is muted (the run
    lasts until `suppress` points after its last alarming point); an event after the run has
    ended pages again."""
    x = noise(1500, seed=4)
    x[1000] += 10.0
    x[1003] += 20.0  # worse, but the same run
    x[1100] += 20.0  # after the run: a new event
    det = MetricAnomalyDetector(**SMALL).fit(x, stamps(len(x)))
    alarms = np.flatnonzero(det.predict())
    assert 1000 in alarms and 1003 not in alarms and 1100 in alarms
    assert det.score()[1003] == 0.0


def test_a_blip_after_a_silence_is_judged_by_the_longer_run_scale() -> None:
    """A sparse series (activity, then a silence longer than the scale window: all-zero
    residuals, a zero scale): a tiny blip in the silence is not news against the scale of the
    activity a few windows back, and a real spike later still pages. With no long-run scale
    (``long_scale=0``) the blip's z-score is near-infinite and it pages."""
    rng = np.random.default_rng(1)
    x = np.r_[np.abs(rng.normal(0.0, 1.0, 1000)), np.zeros(600), [0.05], np.zeros(200),
              np.abs(rng.normal(0.0, 1.0, 300))]  # fmt: skip
    x[1900] = 6.0
    det = MetricAnomalyDetector().fit(x, stamps(len(x)))
    assert det.score()[1600] < det.threshold
    assert det.predict()[1900]
    assert MetricAnomalyDetector(long_scale=0.0).fit(x, stamps(len(x))).predict()[1600]
    with pytest.raises(ValueError, match="long_windows"):
        MetricAnomalyDetector(long_windows=0)
