"""The change point detector on synthetic series with known truth, through its public API."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from efficiency.detect.changepoint import ChangepointDetector


def noise(n: int, seed: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, n)


@pytest.mark.parametrize("cost", ["mean", "meanvar", "linear"])
def test_a_single_mean_shift_is_found_where_it_starts(cost: str) -> None:
    x = noise(200, seed=1) + np.r_[np.zeros(120), np.full(80, 3.0)]
    det = ChangepointDetector(cost=cost).fit(x)
    (onset,) = det.predict()
    assert abs(onset - 120) <= 2
    (change,) = det.changes_
    assert change.shift == pytest.approx(3.0, abs=0.5)


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
@pytest.mark.parametrize("seed", range(5))
def test_white_noise_of_any_scale_has_no_change(scale: float, seed: int) -> None:
    x = 42.0 * scale + noise(300, seed=seed, scale=scale)
    assert ChangepointDetector().fit(x).predict() == []


def test_two_changes_are_both_found() -> None:
    x = noise(300, seed=2) + np.r_[np.zeros(100), np.full(100, 4.0), np.full(100, 1.0)]
    cps = ChangepointDetector().fit(x).predict()
    assert len(cps) == 2
    assert abs(cps[0] - 100) <= 2 and abs(cps[1] - 200) <= 2


def test_a_variance_change_is_found_by_the_meanvar_cost() -> None:
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(0, 1, 200), rng.normal(0, 5, 200)]
    (onset,) = ChangepointDetector(cost="meanvar").fit(x).predict()
    assert abs(onset - 200) <= 10


def test_outliers_do_not_create_change_points() -> None:
    x = noise(300, seed=4)
    x[[30, 31, 90, 150, 151, 152, 240]] += np.array([15, -12, 20, 18, 17, 19, -25])
    assert ChangepointDetector().fit(x).predict() == []


def test_a_trend_alone_is_no_change_but_a_slope_change_is() -> None:
    t = np.arange(300, dtype=float)
    assert ChangepointDetector().fit(0.05 * t + noise(300, seed=5)).predict() == []
    bent = np.where(t < 150, 0.05 * t, 7.5 - 0.05 * (t - 150)) + noise(300, seed=5, scale=0.5)
    (onset,) = ChangepointDetector().fit(bent).predict()
    assert abs(onset - 150) <= 10


def test_a_smooth_curve_is_not_a_chain_of_changes() -> None:
    t = np.arange(400, dtype=float)
    curve = 5.0 / (1.0 + np.exp(-(t - 200) / 60)) + noise(400, seed=11, scale=0.01)
    without = ChangepointDetector(min_explained=0.0).fit(curve).predict()
    cps = ChangepointDetector().fit(curve).predict()
    assert len(without) >= 5  # certain slope changes, each a sliver of the curve's variance
    assert len(cps) <= 2


def test_a_trend_in_one_dimension_does_not_silence_another() -> None:
    pace = np.r_[np.full(100, 10.0), np.full(100, 8.0), np.full(100, 12.0)] + noise(300, seed=12)
    cps = ChangepointDetector().fit(np.c_[pace, np.cumsum(pace)]).predict()
    assert len(cps) == 2
    assert abs(cps[0] - 100) <= 3 and abs(cps[1] - 200) <= 3


def test_several_dimensions_change_together() -> None:
    step = np.r_[np.zeros(80), np.ones(70)]
    x = np.c_[noise(150, seed=6) + 2.5 * step, noise(150, seed=7) - 2.5 * step]
    (onset,) = ChangepointDetector(cost="mean").fit(x).predict()
    assert abs(onset - 80) <= 2


def test_min_shift_drops_certain_but_small_changes() -> None:
    x = noise(2000, seed=8) + np.r_[np.zeros(1000), np.full(1000, 0.5)]
    assert ChangepointDetector(cost="mean").fit(x).predict()
    assert ChangepointDetector(cost="mean", min_shift=2.0).fit(x).predict() == []


def test_scores_are_in_unit_interval_and_peak_at_the_change() -> None:
    x = noise(200, seed=9) + np.r_[np.zeros(100), np.full(100, 3.0)]
    score = ChangepointDetector().fit(x).score()
    assert score.shape == (200,)
    assert np.all((score >= 0) & (score <= 1))
    assert abs(int(np.argmax(score)) - 100) <= 2 and score.max() > 0.5


def test_missing_values_and_timestamps() -> None:
    x = noise(120, seed=10) + np.r_[np.zeros(60), np.full(60, 4.0)]
    x[[5, 70]] = np.nan
    stamps = np.arange(120) * 60 + 1_700_000_000
    det = ChangepointDetector().fit(x, timestamps=stamps)
    (onset,) = det.predict()
    assert det.change_times_ == [stamps[onset]]
    with pytest.raises(ValueError):
        ChangepointDetector().fit(x, timestamps=stamps[:-1])


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        ChangepointDetector(cost="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ChangepointDetector(min_size=1)
    with pytest.raises(ValueError):
        ChangepointDetector(penalty_factor=0)
    with pytest.raises(ValueError):
        ChangepointDetector(min_explained=1.0)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 120),
        elements=st.floats(allow_nan=False, allow_infinity=False, width=64),
    ),
    st.sampled_from(["mean", "meanvar", "linear"]),
)
def test_any_finite_series_gives_sorted_indices_in_range(x: np.ndarray, cost: str) -> None:
    det = ChangepointDetector(cost=cost).fit(x)  # type: ignore[arg-type]
    cps = det.predict()
    assert cps == sorted(set(cps))
    assert all(0 < c < len(x) for c in cps)
    score = det.score()
    assert score.shape == (len(x),)
    assert np.all((score >= 0) & (score <= 1))
